import { runRetention } from '@satupintu/persistence';
import type { BaseConfig } from '@satupintu/platform';
import { purgeExpired, type RetentionReport } from './retention';

/**
 * `node dist/apps/gateway/src/main.js retention [--dry-run] [--days N]` (`sp ops retention`): purges
 * the submission payloads older than the retention period (see retention.ts) and prints what it
 * purged, or would purge, as JSON.
 */
export function retentionCommand(config: BaseConfig, args: string[], env: Record<string, string | undefined> = process.env): Promise<RetentionReport> {
  return runRetention({ url: config.DATABASE_URL, schema: 'gateway', applicationName: 'gateway-retention', args, env }, (db, period) => purgeExpired(db, period));
}
