import { generateKeyPairSync } from 'node:crypto';
import { checkPublicKey, parseSignature, signEnvelope, verifyEnvelope } from './signature';

describe('DCI envelope signatures', () => {
  const ed = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = (k: typeof ed.publicKey) => k.export({ type: 'spki', format: 'pem' }) as string;
  const header = { message_id: 'm1', message_ts: '2026-12-03T00:00:00Z', action: 'search', sender_id: 'agency.example', total_count: 1 };
  const message = { transaction_id: 't1', search_request: [{ reference_id: 'r1', n: 1 }] };
  const now = new Date('2026-12-03T10:00:00Z');
  const keys = [
    { keyId: 'e1', algorithm: 'ed25519' as const, publicKeyPem: pem(ed.publicKey) },
    { keyId: 'r1', algorithm: 'rsa-sha256' as const, publicKeyPem: pem(rsa.publicKey) },
  ];

  it('verifies what it signed, with Ed25519 and RSA, whatever the order of the keys in the JSON', () => {
    for (const [privateKey, keyId, algorithm] of [[ed.privateKey, 'e1', 'ed25519'], [rsa.privateKey, 'r1', 'rsa-sha256']] as const) {
      const signature = signEnvelope({ header, message }, { privateKey, senderId: 'agency.example', keyId, algorithm }, now);
      expect(parseSignature(signature)).toMatchObject({ senderId: 'agency.example', keyId, algorithm });
      const reordered = { transaction_id: 't1', search_request: [{ n: 1, reference_id: 'r1' }] };
      expect(verifyEnvelope({ signature, header, message: reordered }, keys, now)).toBeNull();
    }
  });

  it('refuses a changed message, another sender, an unknown key, a missing, future or expired signature', () => {
    const signature = signEnvelope({ header, message }, { privateKey: ed.privateKey, senderId: 'agency.example', keyId: 'e1', algorithm: 'ed25519' }, now);
    expect(verifyEnvelope({ signature, header, message: { ...message, transaction_id: 't2' } }, keys, now)?.code).toBe('err.signature.invalid');
    expect(verifyEnvelope({ signature, header: { ...header, sender_id: 'other' }, message }, keys, now)?.code).toBe('err.signature.invalid');
    expect(verifyEnvelope({ signature, header, message }, keys.slice(1), now)?.code).toBe('err.signature.invalid');
    expect(verifyEnvelope({ header, message }, keys, now)?.code).toBe('err.signature.missing');
    expect(verifyEnvelope({ signature, header, message }, keys, new Date(now.getTime() + 301_000))?.message).toMatch(/expired/);
    expect(verifyEnvelope({ signature, header, message }, keys, new Date(now.getTime() - 120_000))?.message).toMatch(/future/);
    expect(verifyEnvelope({ signature: 'Signature: nonsense', header, message }, keys, now)?.code).toBe('err.signature.invalid');
    const long = signEnvelope({ header, message }, { privateKey: ed.privateKey, senderId: 'agency.example', keyId: 'e1', algorithm: 'ed25519' }, now, 7200);
    expect(verifyEnvelope({ signature: long, header, message }, keys, now)?.message).toMatch(/within 3600/);
  });

  it('checks a registered key against its algorithm', () => {
    expect(checkPublicKey(pem(ed.publicKey), 'ed25519')).toBeNull();
    expect(checkPublicKey(pem(rsa.publicKey), 'rsa-sha256')).toBeNull();
    expect(checkPublicKey(pem(rsa.publicKey), 'ed25519')).toMatch(/Ed25519/);
    expect(checkPublicKey('not a key at all, just some forty characters of text', 'ed25519')).toMatch(/PEM/);
  });
});
