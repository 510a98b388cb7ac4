import fc from 'fast-check';
import { FieldProtector } from './field-protector';
import { reseal } from './protector';
import { LocalKeyring } from './keys';

describe('field protection', () => {
  const ring = LocalKeyring.generate('k2026a');
  const protector = () => new FieldProtector(new LocalKeyring(ring));

  it('gives back what it encrypted, for any text, and never shows the value or its digits', async () => {
    const p = protector();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.stringMatching(/^\d{16}$/), async (name, nik) => {
        const encName = await p.encrypt(name, 'registry.persons.name');
        const encNik = await p.encrypt(nik, 'registry.persons.nik');
        expect(await p.decrypt(encName, 'registry.persons.name')).toBe(name);
        expect(await p.decrypt(encNik, 'registry.persons.nik')).toBe(nik);
        expect(encNik).not.toMatch(/\d{16}/);
        if (name.length >= 6) expect(encName).not.toContain(name);
      }),
      { numRuns: 200 },
    );
  });

  it('encrypts the same value differently each time, and another instance with the same ring reads it', async () => {
    const a = protector();
    const one = await a.encrypt('3171012345670001', 'ctx');
    const two = await a.encrypt('3171012345670001', 'ctx');
    expect(one).not.toBe(two);
    expect(await protector().decrypt(one, 'ctx')).toBe('3171012345670001');
  });

  it('refuses a ciphertext moved to another column, changed in any byte, or read without its key', async () => {
    const p = protector();
    const c = await p.encrypt('Siti Aminah', 'registry.persons.name');
    await expect(p.decrypt(c, 'gateway.registry_members.name')).rejects.toThrow();
    const parts = c.split('.');
    const body = Buffer.from(parts[4], 'base64url');
    body[0] ^= 1;
    await expect(p.decrypt([...parts.slice(0, 4), body.toString('base64url')].join('.'), 'registry.persons.name')).rejects.toThrow();
    await expect(new FieldProtector(new LocalKeyring(LocalKeyring.generate('k2026a'))).decrypt(c, 'registry.persons.name')).rejects.toThrow();
    await expect(p.decrypt('3171012345670001', 'registry.persons.name')).rejects.toThrow(/not a protected value/);
  });

  it('rotates: a new active key writes new values, old ones still read and are re-encrypted under the new key', async () => {
    const old = protector();
    const c = await old.encrypt('Budi', 'ctx');
    const rotated = new FieldProtector(new LocalKeyring(LocalKeyring.withNewKey(ring, 'k2027a')));
    expect(FieldProtector.keyIdOf(c)).toBe('k2026a');
    expect(rotated.needsRotation(c)).toBe(true);
    const again = await reseal(rotated, c, 'ctx');
    expect(FieldProtector.keyIdOf(again)).toBe('k2027a');
    expect(rotated.needsRotation(again)).toBe(false);
    expect(await rotated.decrypt(again, 'ctx')).toBe('Budi');
    expect(await rotated.decrypt(c, 'ctx')).toBe('Budi');
  });

  it('blind indexes: equal for equal values, apart by kind and by index key, and never the value', () => {
    const p = protector();
    fc.assert(
      fc.property(fc.stringMatching(/^\d{16}$/), fc.stringMatching(/^\d{16}$/), (a, b) => {
        expect(p.blindIndex('nik', a)).toBe(protector().blindIndex('nik', a));
        expect(p.blindIndex('nik', a) === p.blindIndex('nik', b)).toBe(a === b);
        expect(p.blindIndex('nik', a)).not.toBe(p.blindIndex('kk', a));
        expect(p.blindIndex('nik', a)).not.toMatch(/\d{16}/);
      }),
    );
    const other = new FieldProtector(new LocalKeyring(LocalKeyring.generate('k2026a')));
    expect(other.blindIndex('nik', '3171012345670001')).not.toBe(p.blindIndex('nik', '3171012345670001'));
  });

  it('refuses a keyring with a short key, an unknown active key or an id that would break the format', () => {
    expect(() => new LocalKeyring({ ...ring, keys: { k2026a: Buffer.alloc(16).toString('base64') } })).toThrow(/32 bytes/);
    expect(() => new LocalKeyring({ ...ring, active: 'nope' })).toThrow(/active key/);
    expect(() => new LocalKeyring({ ...ring, keys: { ...ring.keys, 'a.b': ring.keys.k2026a } })).toThrow(/key id/);
    expect(() => LocalKeyring.withNewKey(ring, 'k2026a')).toThrow(/exists/);
  });
});
