import { runRetention } from '@satupintu/persistence';
import type { BaseConfig } from '@satupintu/platform';
import { purgeWebhookBodies, type WebhookRetentionReport } from './retention';

/**
 * `node dist/apps/subscriptions/src/main.js retention [--dry-run] [--days N]` (`sp ops retention`):
 * empties the bodies of webhook deliveries past the retention period and prints the report as JSON.
 */
export function retentionCommand(config: BaseConfig, args: string[], env: Record<string, string | undefined> = process.env): Promise<WebhookRetentionReport> {
  return runRetention({ url: config.DATABASE_URL, schema: 'subscriptions', applicationName: 'subscriptions-retention', args, env }, (db, period) => purgeWebhookBodies(db, period));
}
