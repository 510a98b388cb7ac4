import { createKafka, ensureTopics, EventProducer } from '@satupintu/kafka';
import { createLogger } from '@satupintu/observability';
import { createDataSource, drainOutbox } from '@satupintu/persistence';
import { kafkaSettingsOf, migrateService, type BaseConfig } from '@satupintu/platform';
import type { Protector } from '@satupintu/protection';
import type { AggregationSettings } from '../config/aggregation.config';
import { AGGREGATION, AGGREGATION_TOPICS } from '../config/service';
import { reconcile, type ReconcileReport } from './reconcile';

/**
 * `node dist/apps/aggregation/src/main.js reconcile [--repair]`: recomputes every region's indicator
 * counters from the registry and reports each difference from the incremental ones (JSON on stdout,
 * exit 0 either way); `--repair` also replaces the kept counts with the recomputed ones and publishes
 * the regions that changed.
 */
export async function reconcileCommand(config: BaseConfig, settings: AggregationSettings, protector: Protector, args: string[]): Promise<ReconcileReport> {
  const repair = args.includes('--repair');
  const logger = createLogger('aggregation-reconcile', config.LOG_LEVEL);
  await migrateService(AGGREGATION, config, 'aggregation-reconcile-migrate');
  // As the schema's owner when it is given: the only aggregation role that may read the registry it recounts.
  const db = createDataSource({ url: config.DATABASE_MIGRATION_URL ?? config.DATABASE_URL, schema: 'aggregation', applicationName: 'aggregation-reconcile', migrations: AGGREGATION.migrations ?? [] });
  await db.initialize();
  try {
    const report = await reconcile(db, { timeZone: settings.timeZone, repair, protector, onProgress: (n) => process.stderr.write(`\rrecounted ${n} families`) });
    process.stderr.write('\n');
    if (report.repaired) {
      const kafkaSettings = kafkaSettingsOf(config, 'aggregation-reconcile');
      const kafka = createKafka(kafkaSettings, logger);
      await ensureTopics(kafka, kafkaSettings, AGGREGATION_TOPICS);
      const producer = new EventProducer(kafka, kafkaSettings);
      try {
        const published = await drainOutbox(db, producer, 'aggregation');
        logger.info({ published }, published === null ? 'a running aggregation instance publishes the regions' : 'regions published');
      } finally {
        await producer.disconnect();
      }
    }
    return report;
  } finally {
    await db.destroy();
  }
}
