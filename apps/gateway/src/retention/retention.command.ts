import { createDataSource } from '@satupintu/persistence';
import type { BaseConfig } from '@satupintu/platform';
import { GATEWAY } from '../config/service';
import { purgeExpired, retentionDays, type RetentionReport } from './retention';

/**
 * `node dist/apps/gateway/src/main.js retention [--dry-run] [--days N]` (`sp ops retention`): purges
 * the submission payloads older than the retention period (see retention.ts) and prints what it
 * purged, or would purge, as JSON.
 */
export async function retentionCommand(config: BaseConfig, args: string[], env: Record<string, string | undefined> = process.env): Promise<RetentionReport> {
  const days = retentionDays(args, env);
  if (days === null) throw new Error('the retention period (--days or RETENTION_DAYS) must be a whole number of days, at least 1');
  const db = createDataSource({ url: config.DATABASE_URL, schema: 'gateway', applicationName: 'gateway-retention', migrations: GATEWAY.migrations ?? [] });
  await db.initialize();
  try {
    return await purgeExpired(db, { days, dryRun: args.includes('--dry-run') });
  } finally {
    await db.destroy();
  }
}
