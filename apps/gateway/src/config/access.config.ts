import { parseConfig } from '@satupintu/platform';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { API_KEY } from '../auth/credentials';
import type { SheddingSettings } from '../http/load-shedding';

const AccessConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** HMAC key of the tokens for cadre and staff apps (at least 32 characters). Required in production; every gateway instance needs the same. */
  AUTH_TOKEN_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** Lifetime of an issued token when the request names none, and the longest allowed. */
  AUTH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(12 * 3600),
  AUTH_TOKEN_MAX_TTL_SECONDS: z.coerce.number().int().min(60).max(365 * 86_400).default(30 * 86_400),
  /** An API key (spk_...) that is made an admin's key at start, so the first admin can create the others. */
  AUTH_BOOTSTRAP_ADMIN_KEY: z.string().regex(API_KEY, 'an API key shaped spk_<16 hex>_<43 base64url>').optional(),
  /** Requests per minute per principal (API key or token) and per client address; 0 turns a limit off. */
  RATE_LIMIT_PER_PRINCIPAL: z.coerce.number().int().min(0).default(600),
  RATE_LIMIT_PER_IP: z.coerce.number().int().min(0).default(1200),
  /** Failed sign-ins per minute per client address before it is refused for a minute. */
  RATE_LIMIT_AUTH_FAILURES_PER_IP: z.coerce.number().int().min(0).default(20),
  /** Load shedding (503 OVERLOADED, Retry-After): requests answered at once, event-loop delay (p99, ms) and share of the heap limit above which new requests are refused; 0 turns one off. */
  SHED_MAX_IN_FLIGHT: z.coerce.number().int().min(0).default(64),
  SHED_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(500),
  SHED_MAX_HEAP_USED_RATIO: z.coerce.number().min(0).max(1).default(0.85),
  /** Proxies in front of the gateway whose X-Forwarded-For is trusted (0: use the peer address). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Key the agencies' webhook secrets are derived from (the subscriptions service needs the same); without it no webhook can be set. */
  WEBHOOK_SIGNING_KEY: z.string().min(32, 'at least 32 characters').optional(),
  /** Smallest count of a sensitive category (health, stunting, disability, welfare deciles) an indicator answer shows. */
  SMALL_CELL_MIN: z.coerce.number().int().min(1).max(100).default(5),
  /** The platform's DCI signing key: an Ed25519 private key, PEM (PKCS#8) or that PEM in base64. Without it the DCI API is off in production (503) and uses a key generated at start elsewhere. */
  DCI_SIGNING_KEY: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(40).optional()),
  /** The platform's id in DCI envelopes (sender_id of its answers, the receiver_id callers name). */
  DCI_PLATFORM_ID: z.string().min(3).max(100).default('satupintu.go.id'),
  /** DCI callbacks (on-search, notify ...): attempts before dead-lettering, exponential backoff, receiver timeout, queue poll. */
  DCI_CALLBACK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  DCI_CALLBACK_RETRY_BASE_MS: z.coerce.number().int().min(10).default(1000),
  DCI_CALLBACK_RETRY_MAX_MS: z.coerce.number().int().min(10).default(900_000),
  DCI_CALLBACK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  DCI_CALLBACK_POLL_MS: z.coerce.number().int().min(10).default(250),
  /** Allow http:// webhook URLs (development and tests on loopback only). */
  WEBHOOK_ALLOW_HTTP: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export interface AccessSettings {
  tokenSecret: string;
  tokenSecretGenerated: boolean;
  tokenTtlSeconds: number;
  tokenMaxTtlSeconds: number;
  bootstrapAdminKey: string | null;
  rateLimits: { perPrincipal: number; perIp: number; authFailuresPerIp: number };
  trustProxyHops: number;
  shedding: SheddingSettings;
  webhookSigningKey: string | null;
  webhookAllowHttp: boolean;
  minCellSize: number;
  dci: { signingKeyPem: string | null; generateKey: boolean; platformId: string; callbacks: { maxAttempts: number; retryBaseMs: number; retryMaxMs: number; timeoutMs: number; pollMs: number } };
}

export const ACCESS_SETTINGS = Symbol('ACCESS_SETTINGS');

/** Reads the access settings; throws (the gateway does not start) when wrong. */
export function loadAccessSettings(env: Record<string, string | undefined> = process.env): AccessSettings {
  const c = parseConfig(AccessConfigSchema, env);
  if (!c.AUTH_TOKEN_SECRET && c.NODE_ENV === 'production') throw new Error('invalid configuration:\n  AUTH_TOKEN_SECRET: required in production');
  return {
    tokenSecret: c.AUTH_TOKEN_SECRET ?? randomBytes(32).toString('base64url'),
    tokenSecretGenerated: !c.AUTH_TOKEN_SECRET,
    tokenTtlSeconds: Math.min(c.AUTH_TOKEN_TTL_SECONDS, c.AUTH_TOKEN_MAX_TTL_SECONDS),
    tokenMaxTtlSeconds: c.AUTH_TOKEN_MAX_TTL_SECONDS,
    bootstrapAdminKey: c.AUTH_BOOTSTRAP_ADMIN_KEY ?? null,
    rateLimits: { perPrincipal: c.RATE_LIMIT_PER_PRINCIPAL, perIp: c.RATE_LIMIT_PER_IP, authFailuresPerIp: c.RATE_LIMIT_AUTH_FAILURES_PER_IP },
    trustProxyHops: c.TRUST_PROXY_HOPS,
    shedding: { maxInFlight: c.SHED_MAX_IN_FLIGHT, maxEventLoopDelayMs: c.SHED_MAX_EVENT_LOOP_DELAY_MS, maxHeapUsedRatio: c.SHED_MAX_HEAP_USED_RATIO },
    webhookSigningKey: c.WEBHOOK_SIGNING_KEY ?? null,
    webhookAllowHttp: c.WEBHOOK_ALLOW_HTTP,
    minCellSize: c.SMALL_CELL_MIN,
    dci: { signingKeyPem: c.DCI_SIGNING_KEY ? (c.DCI_SIGNING_KEY.includes('BEGIN') ? c.DCI_SIGNING_KEY : Buffer.from(c.DCI_SIGNING_KEY, 'base64').toString('utf8')) : null, generateKey: c.NODE_ENV !== 'production', platformId: c.DCI_PLATFORM_ID,
      callbacks: { maxAttempts: c.DCI_CALLBACK_MAX_ATTEMPTS, retryBaseMs: c.DCI_CALLBACK_RETRY_BASE_MS, retryMaxMs: c.DCI_CALLBACK_RETRY_MAX_MS, timeoutMs: c.DCI_CALLBACK_TIMEOUT_MS, pollMs: c.DCI_CALLBACK_POLL_MS } },
  };
}
