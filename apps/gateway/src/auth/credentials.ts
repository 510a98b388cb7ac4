import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

/**
 * API keys look like `spk_<key id>_<secret>`: the key id (16 hex characters) finds the stored key,
 * the secret (32 random bytes, base64url) is checked against its SHA-256. A key of 256 random bits
 * needs no slow hash (nothing to guess), and a stolen table cannot be turned back into keys.
 */
export const API_KEY = /^spk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey { keyId: string; key: string; secretHash: string }

export function newApiKey(): NewApiKey {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, key: `spk_${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

/** Splits a presented key; null when it is not shaped like one. */
export function parseApiKey(key: string): { keyId: string; secret: string } | null {
  const m = API_KEY.exec(key);
  return m ? { keyId: m[1], secret: m[2] } : null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const ISSUER = 'satupintu-gateway';
const AUDIENCE = 'satupintu-api';

/**
 * Signed tokens for cadre and staff apps: JWT, HS256, with the principal's id as subject. The
 * token names who is calling; role, regions and purposes are read from the principal on every
 * request, so a change or a revocation applies at once.
 */
export class TokenSigner {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async sign(principalId: string, ttlSeconds: number, now = new Date()): Promise<{ token: string; tokenId: string; expiresAt: string }> {
    const iat = Math.floor(now.getTime() / 1000);
    const tokenId = randomUUID();
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(principalId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setJti(tokenId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(this.key);
    return { token, tokenId, expiresAt: new Date((iat + ttlSeconds) * 1000).toISOString() };
  }

  /** The subject and issue time of a valid token; null for anything else (bad signature, expired, wrong audience). */
  async verify(token: string): Promise<{ principalId: string; issuedAt: number; tokenId: string } | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
      if (typeof payload.sub !== 'string' || typeof payload.iat !== 'number' || typeof payload.jti !== 'string') return null;
      return { principalId: payload.sub, issuedAt: payload.iat, tokenId: payload.jti };
    } catch {
      return null;
    }
  }
}
