import { deriveWebhookSecret, signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = deriveWebhookSecret('k'.repeat(32), 'dinsos-dki', 1);
  const body = '{"a":1}';

  it('verifies its own signature and refuses a changed body, timestamp or secret', () => {
    const sig = signWebhook(secret, 1_700_000_000, body);
    expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(secret, sig, '1700000000', body, 1_700_000_010)).toBe(true);
    expect(verifyWebhook(secret, sig, '1700000000', '{"a":2}', 1_700_000_010)).toBe(false);
    expect(verifyWebhook(secret, sig, '1700000001', body, 1_700_000_010)).toBe(false);
    expect(verifyWebhook(deriveWebhookSecret('k'.repeat(32), 'dinsos-dki', 2), sig, '1700000000', body, 1_700_000_010)).toBe(false);
  });

  it('refuses an old timestamp (a replay) and malformed headers', () => {
    const sig = signWebhook(secret, 1_700_000_000, body);
    expect(verifyWebhook(secret, sig, '1700000000', body, 1_700_001_000)).toBe(false);
    expect(verifyWebhook(secret, undefined, '1700000000', body, 1_700_000_000)).toBe(false);
    expect(verifyWebhook(secret, sig, 'x', body, 1_700_000_000)).toBe(false);
  });

  it('derives a different secret per agency and version', () => {
    expect(new Set([secret, deriveWebhookSecret('k'.repeat(32), 'dinkes-dki', 1), deriveWebhookSecret('k'.repeat(32), 'dinsos-dki', 2)]).size).toBe(3);
  });
});
