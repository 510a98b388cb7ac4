import { inScope, scopeProblem } from './policy';
import { hashSecret, newApiKey, parseApiKey, secretMatches, TokenSigner } from './credentials';

describe('region scope', () => {
  it.each([
    [['31.71'], '31.71', true],
    [['31.71'], '31.71.01.1001', true],
    [['31.71'], '31.7', false],
    [['31.71'], '31.710', false],
    [['31.71'], '31.72.01', false],
    [['31.71'], '31', false],
    [['31.71'], 'ID', false],
    [['ID'], '32.01.01.2001', true],
    [['31.71.01.1001', '32.01'], '32.01.05', true],
    [[], '31', false],
  ])('%j covers %s: %s', (scope, code, expected) => {
    expect(inScope(scope, code)).toBe(expected);
  });

  it('assigns cadres villages only', () => {
    expect(scopeProblem('cadre', ['31.71.01.1001'])).toBeNull();
    expect(scopeProblem('cadre', ['31.71'])).toMatch(/villages/);
    expect(scopeProblem('analyst', ['ID'])).toBeNull();
    expect(scopeProblem('supervisor', [])).toMatch(/at least one/);
  });
});

describe('API keys', () => {
  it('are shaped spk_<id>_<secret>, stored as a hash, and checked in constant time', () => {
    const k = newApiKey();
    const parsed = parseApiKey(k.key)!;
    expect(parsed.keyId).toBe(k.keyId);
    expect(k.secretHash).toBe(hashSecret(parsed.secret));
    expect(k.key).not.toContain(k.secretHash);
    expect(secretMatches(parsed.secret, k.secretHash)).toBe(true);
    expect(secretMatches(`${parsed.secret.slice(0, -1)}A`, k.secretHash)).toBe(parsed.secret.endsWith('A'));
    expect(parseApiKey('spk_short_x')).toBeNull();
    expect(parseApiKey(`${k.key}x`)).toBeNull();
  });
});

describe('tokens', () => {
  const signer = new TokenSigner('a-secret-of-at-least-thirty-two-characters!');

  it('name the principal and expire', async () => {
    const t = await signer.sign('6f1c8f3d-2a10-4a53-9a55-0f0b5a8e3b1e', 60);
    expect(await signer.verify(t.token)).toEqual({ principalId: '6f1c8f3d-2a10-4a53-9a55-0f0b5a8e3b1e', issuedAt: expect.any(Number), tokenId: t.tokenId });
    const old = await signer.sign('6f1c8f3d-2a10-4a53-9a55-0f0b5a8e3b1e', 60, new Date(Date.now() - 120_000));
    expect(await signer.verify(old.token)).toBeNull();
  });

  it('are refused when signed with another key, altered, or unsigned', async () => {
    const t = await signer.sign('p', 60);
    expect(await new TokenSigner('another-secret-of-at-least-thirty-two-chars').verify(t.token)).toBeNull();
    const [h, p] = t.token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'admin' })).toString('base64url');
    expect(await signer.verify(`${h}.${forged}.${t.token.split('.')[2]}`)).toBeNull();
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect(await signer.verify(none)).toBeNull();
  });
});
