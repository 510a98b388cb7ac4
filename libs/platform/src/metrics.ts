import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { BatchConsumer, EventProducer } from '@satupintu/kafka';
import { endHttpSpan, startHttpSpan, tracingEnabled, withContext, type ServiceMetrics } from '@satupintu/observability';
import type { NextFunction, Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { Public } from './public.decorator';
import { METRICS } from './tokens';

/** `GET /metrics`: the Prometheus text format. Public like /health: it holds counts, never records. */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: ServiceMetrics) {}

  @Get()
  async scrape(@Res() res: Response) {
    const body = await this.metrics.render();
    res.status(200).type(this.metrics.contentType).send(body);
  }
}

/**
 * HTTP rate, latency and status per route, and a server span per request when tracing is on. The
 * route label is the matched route template (`/v1/registry/families/:familyId`), never the path: a
 * path may hold a NIK. Unmatched paths share the label `unmatched`.
 */
export function instrumentHttp(app: INestApplication, metrics: ServiceMetrics): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const method = KNOWN_METHODS.has(req.method) ? req.method : 'OTHER';
    const traced = tracingEnabled() && !isProbe(req.path) ? startHttpSpan(method, req.headers) : undefined;
    res.once('finish', () => {
      const route = routeTemplate(req);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.inc({ method, route, status_code: String(res.statusCode) });
      metrics.httpDuration.observe({ method, route }, seconds);
      if (traced) endHttpSpan(traced.span, method, route, res.statusCode);
    });
    if (traced) withContext(traced.context, next);
    else next();
  });
}

/** Health checks and scrapes: counted, but not traced (they would swamp the traces). */
const isProbe = (path: string) => path === '/metrics' || path.startsWith('/health/');

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function routeTemplate(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : 'unmatched';
}

/** Producer, outbox and database pool gauges of a service. */
export function instrumentPlatform(metrics: ServiceMetrics, producer: EventProducer, dataSource: DataSource | null, schema?: string): void {
  producer.onSent = (topic, count) => metrics.producedMessages.inc({ topic }, count);
  if (!dataSource) return;
  const pool = (dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number; options?: { max?: number } } }).master;
  metrics.onScrape(() => {
    if (!pool) return;
    metrics.dbPoolConnections.set({ state: 'total' }, pool.totalCount);
    metrics.dbPoolConnections.set({ state: 'idle' }, pool.idleCount);
    metrics.dbPoolConnections.set({ state: 'waiting' }, pool.waitingCount);
    if (pool.options?.max) metrics.dbPoolMax.set(pool.options.max);
  });
  if (!schema) return;
  metrics.onScrape(async () => {
    const [row] = await dataSource.query(
      `select (select count(*) from (select 1 from "${schema}".outbox limit 1000000) o) as backlog,
              coalesce(extract(epoch from clock_timestamp() - (select min(created_at) from "${schema}".outbox)), 0) as oldest`,
    );
    metrics.outboxBacklog.set(Number(row.backlog));
    metrics.outboxOldestAge.set(Math.max(0, Number(row.oldest)));
  });
}

/** Consumer lag per assigned partition, read from Kafka at each scrape. */
export function instrumentConsumerLag(metrics: ServiceMetrics, consumer: BatchConsumer): void {
  metrics.onScrape(async () => {
    const lags = await consumer.lag();
    metrics.consumerLag.reset();
    for (const { topic, partition, lag } of lags) metrics.consumerLag.set({ topic, partition: String(partition) }, lag);
  });
}
