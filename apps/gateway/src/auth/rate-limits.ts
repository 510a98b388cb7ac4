import type { Logger } from '@satupintu/observability';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export type LimitKind = 'ip' | 'principal' | 'auth-failure';

export interface LimitVerdict { allowed: boolean; retryAfterSeconds: number; limit: number; remaining: number }

/**
 * Request limits per client address, per principal, and of failed sign-ins per address, counted in
 * Redis (rate-limiter-flexible) so every gateway instance shares them. When Redis does not answer,
 * each instance goes on counting in its own memory (the insurance limiter) rather than refusing all.
 */
export class RateLimits {
  private readonly limiters = new Map<LimitKind, { limiter: RateLimiterRedis; points: number }>();

  constructor(redis: Redis, keyPrefix: string, limits: Record<LimitKind, number>, private readonly logger: Logger) {
    for (const kind of Object.keys(limits) as LimitKind[]) {
      const points = limits[kind];
      if (points <= 0) continue;
      const blockDuration = kind === 'auth-failure' ? 60 : 0;
      this.limiters.set(kind, {
        points,
        limiter: new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `${keyPrefix}gateway:rl:${kind}`,
          points,
          duration: 60,
          blockDuration,
          insuranceLimiter: new RateLimiterMemory({ points, duration: 60, blockDuration }),
        }),
      });
    }
  }

  /** Counts one request (or failure) of `key`; refused when over the limit. A kind without a limit always allows. */
  async consume(kind: LimitKind, key: string): Promise<LimitVerdict> {
    const entry = this.limiters.get(kind);
    if (!entry) return { allowed: true, retryAfterSeconds: 0, limit: 0, remaining: 0 };
    try {
      const res = await entry.limiter.consume(key);
      return { allowed: true, retryAfterSeconds: 0, limit: entry.points, remaining: res.remainingPoints };
    } catch (err) {
      if (err instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)), limit: entry.points, remaining: 0 };
      this.logger.warn({ kind, err: err instanceof Error ? err.name : 'unknown' }, 'rate limiter failed; request allowed');
      return { allowed: true, retryAfterSeconds: 0, limit: entry.points, remaining: 0 };
    }
  }

  /** Whether `key` is currently blocked for `kind` (without counting). */
  async blocked(kind: LimitKind, key: string): Promise<number> {
    const entry = this.limiters.get(kind);
    if (!entry) return 0;
    const res = await entry.limiter.get(key).catch(() => null);
    if (!res) return 0;
    return res.consumedPoints >= entry.points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
  }
}
