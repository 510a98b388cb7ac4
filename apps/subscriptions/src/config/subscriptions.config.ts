import { parseConfig } from '@satupintu/platform';
import { z } from 'zod';

const SubscriptionsConfigSchema = z.object({
  /** Key the agencies' webhook secrets are derived from: the same as the gateway's. Without it, no webhook is delivered. */
  WEBHOOK_SIGNING_KEY: z.string().min(32, 'at least 32 characters').optional(),
  /** Attempts of one delivery before it is dead-lettered. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  /** Backoff after the first failure; doubles with each attempt, up to the maximum (with jitter). */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(1000),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(15 * 60_000),
  /** Time a receiver has to answer one delivery. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Deliveries in flight per instance (each to a different family). */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(16),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /** How often each agency's delivery state is published for the gateway. */
  WEBHOOK_STATUS_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
});

export interface SubscriptionsSettings {
  signingKey: string | null;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  concurrency: number;
  pollMs: number;
  statusIntervalMs: number;
}

export const SUBSCRIPTIONS_SETTINGS = Symbol('SUBSCRIPTIONS_SETTINGS');

export function loadSubscriptionsSettings(env: Record<string, string | undefined> = process.env): SubscriptionsSettings {
  const c = parseConfig(SubscriptionsConfigSchema, env);
  return {
    signingKey: c.WEBHOOK_SIGNING_KEY ?? null,
    maxAttempts: c.WEBHOOK_MAX_ATTEMPTS,
    retryBaseMs: c.WEBHOOK_RETRY_BASE_MS,
    retryMaxMs: Math.max(c.WEBHOOK_RETRY_MAX_MS, c.WEBHOOK_RETRY_BASE_MS),
    timeoutMs: c.WEBHOOK_TIMEOUT_MS,
    concurrency: c.WEBHOOK_CONCURRENCY,
    pollMs: c.WEBHOOK_POLL_MS,
    statusIntervalMs: c.WEBHOOK_STATUS_INTERVAL_MS,
  };
}
