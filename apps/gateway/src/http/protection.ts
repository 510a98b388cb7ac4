import type { INestApplication } from '@nestjs/common';
import { json, type NextFunction, type Request, type Response } from 'express';
import { dciBodyErrors } from '../dci/dci.controller';
import helmet from 'helmet';
import type { AccessSettings } from '../config/access.config';
import { RateLimits } from '../auth/rate-limits';
import { shedLoad } from './load-shedding';

/** Largest bodies: batches of submissions and campaign targets may be large; everything else is small. */
export const BODY_LIMIT = '64kb';
export const LARGE_BODIES = [
  { path: '/v1/submissions', limit: '5mb' },
  { path: '/v1/campaigns', limit: '5mb' },
];

/**
 * HTTP protection in front of every route: the client address (behind trusted proxies only),
 * security headers (helmet; the dashboard sets its own content policy), load shedding (503
 * OVERLOADED when at capacity, see load-shedding.ts), and a request limit per client address
 * (health checks excepted), answered 429 with Retry-After.
 */
export function protectHttp(app: INestApplication, settings: AccessSettings): void {
  const express = app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void };
  express.set('trust proxy', settings.trustProxyHops > 0 ? settings.trustProxyHops : false);
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      crossOriginResourcePolicy: { policy: 'same-origin' },
    }),
  );
  shedLoad(app, settings.shedding);
  const limits = app.get(RateLimits);
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/health/')) return next();
    const verdict = await limits.consume('ip', req.ip ?? 'unknown');
    if (verdict.allowed) return next();
    res.setHeader('retry-after', String(verdict.retryAfterSeconds));
    res.status(429).json({ error: { code: 'RATE_LIMITED', message: 'too many requests from this address; try again later', details: { retryAfterSeconds: verdict.retryAfterSeconds } } });
  });
  // DCI envelopes: parsed here, so that a body that is not JSON gets the spec's error shape.
  app.use('/registry', json({ limit: '256kb', strict: true }), dciBodyErrors);
}
