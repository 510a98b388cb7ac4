import type { INestApplication } from '@nestjs/common';
import type { ServiceMetrics } from '@satupintu/observability';
import { METRICS } from '@satupintu/platform';
import type { NextFunction, Request, Response } from 'express';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

export interface SheddingSettings {
  /** Requests being answered at once; more are refused before their body is read (0: no bound). */
  maxInFlight: number;
  /** Event-loop delay (99th percentile over the last sample window) above which new requests are refused (0: off). */
  maxEventLoopDelayMs: number;
  /** Share of the V8 heap limit in use above which new requests are refused (0: off). */
  maxHeapUsedRatio: number;
}

export type ShedReason = 'in-flight' | 'event-loop' | 'heap';

export interface LoadState {
  inFlight: number;
  eventLoopDelayMs: number;
  heapUsedRatio: number;
}

/** Why a new request would be refused in this state, or null when it may go on. Pure. */
export function shedReason(state: LoadState, s: SheddingSettings): ShedReason | null {
  if (s.maxInFlight > 0 && state.inFlight >= s.maxInFlight) return 'in-flight';
  if (s.maxHeapUsedRatio > 0 && state.heapUsedRatio >= s.maxHeapUsedRatio) return 'heap';
  if (s.maxEventLoopDelayMs > 0 && state.eventLoopDelayMs >= s.maxEventLoopDelayMs) return 'event-loop';
  return null;
}

/**
 * Retry-After of a refused request: 1 to 3 seconds, spread so that the refused clients do not all
 * come back in the same second. Pure (`random` in [0, 1)).
 */
export function retryAfterSeconds(random: number): number {
  return 1 + Math.min(2, Math.floor(random * 3));
}

/** Paths never refused: the orchestrator's probes and the metrics scrape must see an overloaded gateway. */
const EXEMPT = (path: string) => path.startsWith('/health/') || path === '/metrics';

/** How often the event-loop delay and the heap are sampled. */
const SAMPLE_MS = 500;

/**
 * Load shedding in front of everything else (before the rate limits, which cost a Redis call, and
 * before the body is read): a request that would push the gateway past its bound of requests in
 * flight, or that arrives while the event loop lags or the heap is nearly full, is answered
 * 503 `OVERLOADED` with Retry-After at once (Node discards the unread body, so the client sees
 * the answer rather than a reset connection). A bounded number of requests then holds memory, and
 * those admitted are answered in time instead of all of them timing out together.
 */
export function shedLoad(app: INestApplication, settings: SheddingSettings): void {
  const metrics = app.get<ServiceMetrics>(METRICS);
  const heapLimit = getHeapStatistics().heap_size_limit;
  const state: LoadState = { inFlight: 0, eventLoopDelayMs: 0, heapUsedRatio: 0 };
  let loop: ReturnType<typeof monitorEventLoopDelay> | null = null;
  if (settings.maxEventLoopDelayMs > 0) {
    loop = monitorEventLoopDelay({ resolution: 20 });
    loop.enable();
  }
  const sampler = setInterval(() => {
    state.heapUsedRatio = process.memoryUsage().heapUsed / heapLimit;
    if (loop) {
      state.eventLoopDelayMs = loop.count > 0 ? loop.percentile(99) / 1e6 : 0;
      loop.reset();
    }
    metrics.httpInFlight.set(state.inFlight);
  }, SAMPLE_MS);
  sampler.unref();

  app.use((req: Request, res: Response, next: NextFunction) => {
    if (EXEMPT(req.path)) return next();
    const reason = shedReason(state, settings);
    if (reason) {
      metrics.httpShed.inc({ reason });
      const wait = retryAfterSeconds(Math.random());
      res.setHeader('retry-after', String(wait));
      res.status(503).json({ error: { code: 'OVERLOADED', message: 'the gateway is at capacity; try again after Retry-After seconds', details: { retryAfterSeconds: wait } } });
      return;
    }
    state.inFlight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      state.inFlight--;
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  });
}
