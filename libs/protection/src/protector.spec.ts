import fc from 'fast-check';
import { isProtected } from './field-protector';
import { LocalKeyring } from './keys';
import { openJson, PlainText, ProtectionConfigError, protectorFromEnv, reseal, sealJson } from './protector';

describe('the protector a service runs with', () => {
  const ring = LocalKeyring.generate('k1');

  it('encrypts with a keyring, and refuses to start without one unless PROTECTION=off says so', () => {
    expect(protectorFromEnv({ PROTECTION_KEYRING: JSON.stringify(ring) }).encrypts).toBe(true);
    expect(() => protectorFromEnv({})).toThrow(ProtectionConfigError);
    expect(protectorFromEnv({ PROTECTION: 'off' }).encrypts).toBe(false);
    expect(() => protectorFromEnv({ PROTECTION: 'no', PROTECTION_KEYRING: JSON.stringify(ring) })).toThrow(/PROTECTION must be/);
  });

  it('names what is wrong with a bad keyring, never a key', () => {
    const short = { ...ring, keys: { k1: Buffer.alloc(16).toString('base64') } };
    expect(() => protectorFromEnv({ PROTECTION_KEYRING: JSON.stringify(short) })).toThrow(/key k1 must be 32 bytes/);
    expect(() => protectorFromEnv({ PROTECTION_KEYRING: '{not json' })).toThrow(/cannot be read as a keyring/);
    const secret = ring.keys.k1;
    try {
      protectorFromEnv({ PROTECTION_KEYRING: JSON.stringify({ ...ring, active: 'k9' }) });
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
    }
  });

  it('seals a JSON document as one value and opens it; a document stored in clear opens as it is', async () => {
    const p = protectorFromEnv({ PROTECTION_KEYRING: JSON.stringify(ring) });
    await fc.assert(
      fc.asyncProperty(fc.record({ nik: fc.option(fc.stringMatching(/^\d{16}$/), { nil: null }), name: fc.string({ maxLength: 60 }), birthDate: fc.constant('1980-01-31') }), async (identity) => {
        const sealed = await sealJson(p, identity, 'registry.persons.identity');
        expect(isProtected(sealed)).toBe(true);
        expect(p.isDue(sealed)).toBe(false);
        expect(await openJson(p, sealed, 'registry.persons.identity')).toEqual(identity);
        const clear = JSON.stringify(identity);
        expect(p.isDue(clear)).toBe(true);
        expect(await openJson(p, clear, 'registry.persons.identity')).toEqual(identity);
      }),
      { numRuns: 100 },
    );
  });

  it('is due for rotation under a retired key, and not once rewritten under the active one', async () => {
    const old = protectorFromEnv({ PROTECTION_KEYRING: JSON.stringify(ring) });
    const sealed = await old.seal('3171010101800001', 'registry.families.kk');
    const next = protectorFromEnv({ PROTECTION_KEYRING: JSON.stringify(LocalKeyring.withNewKey(ring, 'k2')) });
    expect(next.activeKeyId()).toBe('k2');
    expect(next.isDue(sealed)).toBe(true);
    const rotated = await reseal(next, sealed, 'registry.families.kk');
    expect(next.isDue(rotated)).toBe(false);
    expect(next.index('kk', '3171010101800001')).toBe(old.index('kk', '3171010101800001'));
  });

  it('PROTECTION=off stores values as they are, with the identifier as its own index', async () => {
    const p = new PlainText();
    expect(await p.seal('Siti', 'x')).toBe('Siti');
    expect(p.index('nik', '3171010101800001')).toBe('3171010101800001');
    expect(p.isDue('anything')).toBe(false);
    expect(p.activeKeyId()).toBeNull();
  });
});
