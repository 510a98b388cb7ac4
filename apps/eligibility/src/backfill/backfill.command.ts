import { createKafka, ensureTopics, EventProducer } from '@satupintu/kafka';
import { createLogger } from '@satupintu/observability';
import { createDataSource, drainOutbox } from '@satupintu/persistence';
import { kafkaSettingsOf, migrateService, type BaseConfig } from '@satupintu/platform';
import type { Protector } from '@satupintu/protection';
import { SingleBar } from 'cli-progress';
import type { EligibilitySettings } from '../config/eligibility.config';
import { ELIGIBILITY, ELIGIBILITY_TOPICS } from '../config/service';
import { ProgrammeCatalog } from '../programmes/programme-catalog';
import { runBackfill, type BackfillReport } from './backfill.use-case';

/**
 * The command-line door to the backfill:
 *   node dist/apps/eligibility/src/main.js backfill [--dry-run]
 * puts the configured programme versions (ELIGIBILITY_PROGRAMMES_DIR, or the built-in ones) in force
 * and re-evaluates every family, with a progress bar on stderr and the report (JSON) on stdout.
 */
export async function backfillCommand(config: BaseConfig, settings: EligibilitySettings, protector: Protector, args: string[]): Promise<BackfillReport> {
  const dryRun = args.includes('--dry-run');
  const logger = createLogger('eligibility-backfill', config.LOG_LEVEL);
  await migrateService(ELIGIBILITY, config, 'eligibility-backfill-migrate');
  const db = createDataSource({ url: config.DATABASE_URL, schema: 'eligibility', applicationName: 'eligibility-backfill', migrations: ELIGIBILITY.migrations ?? [] });
  await db.initialize();
  const bar = new SingleBar({ format: 'eligibility backfill [{bar}] {percentage}% | {value}/{total} families', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 });
  try {
    const catalog = new ProgrammeCatalog(db);
    await catalog.seed(settings.programmes);
    bar.start(1, 0);
    const report = await runBackfill(db, catalog, {
      programmes: settings.programmes,
      dryRun,
      timeZone: settings.timeZone,
      protector,
      onProgress: (done, total) => {
        bar.setTotal(Math.max(total, 1));
        bar.update(done);
      },
    });
    bar.stop();
    if (!dryRun) {
      const kafkaSettings = kafkaSettingsOf(config, 'eligibility-backfill');
      const kafka = createKafka(kafkaSettings, logger);
      await ensureTopics(kafka, kafkaSettings, ELIGIBILITY_TOPICS);
      const producer = new EventProducer(kafka, kafkaSettings);
      try {
        const published = await drainOutbox(db, producer, 'eligibility');
        logger.info({ published }, published === null ? 'a running eligibility instance publishes the decisions' : 'decisions published');
      } finally {
        await producer.disconnect();
      }
    }
    return report;
  } finally {
    bar.stop();
    await db.destroy();
  }
}
