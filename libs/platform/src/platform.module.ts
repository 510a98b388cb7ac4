import { Global, Module, type DynamicModule } from '@nestjs/common';
import { createKafka, EventProducer, type KafkaSettings } from '@satupintu/kafka';
import { createLogger, ServiceMetrics, type Logger } from '@satupintu/observability';
import { createDataSource } from '@satupintu/persistence';
import Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { kafkaSettingsOf, type BaseConfig } from './config';
import { HealthController } from './health.controller';
import { LifecycleService } from './lifecycle.service';
import { MetricsController } from './metrics';
import { migrateService } from './migrate';
import type { ServiceDescriptor } from './service-descriptor';
import { CONFIG, DATA_SOURCE, KAFKA, KAFKA_SETTINGS, LOGGER, METRICS, REDIS, SERVICE } from './tokens';

/**
 * The connections and lifecycle every service shares: config, logger, Kafka (client, producer),
 * PostgreSQL (DataSource with migrations), Redis, health and metrics endpoints, outbox relay.
 */
@Global()
@Module({})
export class PlatformModule {
  static forService(service: ServiceDescriptor, config: BaseConfig): DynamicModule {
    const providers = [
      { provide: SERVICE, useValue: service },
      { provide: CONFIG, useValue: config },
      { provide: LOGGER, useFactory: () => createLogger(service.name, config.LOG_LEVEL) },
      { provide: METRICS, useFactory: () => new ServiceMetrics(service.name) },
      {
        provide: KAFKA_SETTINGS,
        useValue: kafkaSettingsOf(config, `${service.name}-${config.INSTANCE_ID}`),
      },
      { provide: KAFKA, inject: [KAFKA_SETTINGS, LOGGER], useFactory: (s: KafkaSettings, l: Logger) => createKafka(s, l) },
      { provide: EventProducer, inject: [KAFKA, KAFKA_SETTINGS], useFactory: (k: Kafka, s: KafkaSettings) => new EventProducer(k, s) },
      {
        provide: DATA_SOURCE,
        inject: [LOGGER],
        useFactory: async (logger: Logger) => {
          if (!service.schema) return null;
          if (config.MIGRATIONS_RUN) {
            const applied = await migrateService(service, config, `${service.name}-${config.INSTANCE_ID}-migrate`);
            if (applied.length > 0) logger.info({ applied }, 'migrations applied');
          }
          const ds = createDataSource({
            url: config.DATABASE_URL,
            schema: service.schema,
            applicationName: `${service.name}-${config.INSTANCE_ID}`,
            migrations: service.migrations ?? [],
            poolSize: config.DATABASE_POOL_SIZE,
          });
          await ds.initialize();
          return ds;
        },
      },
      {
        provide: REDIS,
        useFactory: () => new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false }),
      },
      LifecycleService,
    ];
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers,
      exports: providers.map((p) => ('provide' in p ? p.provide : p)),
    };
  }
}
