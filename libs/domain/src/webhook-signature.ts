import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures (docs/subscriptions.md): each delivery carries a Unix timestamp and
 * `v1=<hex HMAC-SHA256 over "<timestamp>.<body>">`. The receiver recomputes it with its secret,
 * compares in constant time and refuses timestamps too far from its clock (replays).
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function verifyWebhook(secret: string, signature: string | undefined, timestamp: string | undefined, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  const ts = Number(timestamp);
  if (Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, ts, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * An agency's webhook secret, derived from the platform's signing key, the agency and the secret's
 * version: the gateway hands it out once, the bridge derives it again, and no secret travels on Kafka.
 * Rotating means a new version.
 */
export function deriveWebhookSecret(signingKey: string, agencyId: string, version: number): string {
  return `whsec_${createHmac('sha256', signingKey).update(`webhook:${agencyId}:${version}`).digest('base64url')}`;
}
