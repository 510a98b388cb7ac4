import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { describeError, EventProducer } from '@satupintu/kafka';
import { stopTracing, type Logger, type ServiceMetrics } from '@satupintu/observability';
import { OutboxRelay } from '@satupintu/persistence';
import type Redis from 'ioredis';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { BaseConfig } from './config';
import type { ServiceDescriptor } from './service-descriptor';
import { instrumentPlatform } from './metrics';
import { CONFIG, DATA_SOURCE, KAFKA, LOGGER, METRICS, REDIS, SERVICE } from './tokens';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);

/**
 * Start-up and shutdown of a service's connections, and its readiness. On SIGTERM: readiness turns
 * false first, the consumer finishes and commits its batch and leaves its group (Nest closes the
 * transport), then the outbox relay drains, then connections close.
 */
@Injectable()
export class LifecycleService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private started = false;
  private stopping = false;
  private relay?: OutboxRelay;
  private admin?: Admin;

  constructor(
    @Inject(SERVICE) private readonly service: ServiceDescriptor,
    @Inject(CONFIG) private readonly config: BaseConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(EventProducer) private readonly producer: EventProducer,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource | null,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
  ) {}

  async start(): Promise<void> {
    await this.producer.connect();
    instrumentPlatform(this.metrics, this.producer, this.dataSource, this.service.schema);
    if (this.dataSource && this.service.schema) {
      this.relay = new OutboxRelay(this.dataSource, this.producer, {
        schema: this.service.schema,
        onError: (err) => this.logger.warn(describeError(err), 'outbox relay error'),
        onPublished: (delays) => {
          this.metrics.outboxPublished.inc(delays.length);
          for (const d of delays) this.metrics.outboxRelayDelay.observe(d);
        },
      });
      this.relay.start();
    }
    this.started = true;
  }

  async readiness() {
    const checks: Record<string, 'ok' | 'down'> = {};
    const probe = async (name: string, fn: () => Promise<unknown>) => {
      try {
        await withTimeout(fn(), 2_000);
        checks[name] = 'ok';
      } catch {
        checks[name] = 'down';
      }
    };
    await Promise.all([
      probe('kafka', async () => {
        if (!this.admin) {
          this.admin = this.kafka.admin();
          await this.admin.connect();
        }
        await this.admin.describeCluster();
      }),
      probe('postgres', async () => (this.dataSource ? this.dataSource.query('select 1') : undefined)),
      probe('redis', () => this.redis.ping()),
    ]);
    const ready = this.started && !this.stopping && Object.values(checks).every((c) => c === 'ok');
    return { ready, stopping: this.stopping, checks };
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.stopping = true;
    this.logger.info({ signal }, 'shutting down: readiness is now false');
    if (this.config.SHUTDOWN_DRAIN_MS > 0) await new Promise((r) => setTimeout(r, this.config.SHUTDOWN_DRAIN_MS));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
    await this.producer.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
    this.redis.disconnect();
    await stopTracing();
    this.logger.info('stopped');
  }
}
