import { PURGE_CHUNK, purgeBefore, type PurgeTarget } from '@satupintu/persistence';
import type { DataSource } from 'typeorm';

/**
 * What the subscriptions service keeps beyond its use: the body of each webhook delivery (an
 * agency's granted view of a family) once it was delivered, given up or cancelled. After the
 * retention period the body is emptied; the delivery's row (agency, family, sequence, status,
 * attempts, times) stays as the record of what was sent. Pending deliveries are never touched.
 */
export interface WebhookRetentionReport {
  days: number;
  before: string;
  dryRun: boolean;
  purged: { webhookBodies: number };
}

const DUE = `status in ('delivered', 'dead', 'cancelled') and coalesce(delivered_at, dead_at, created_at) < $1 and body <> ''`;

export async function purgeWebhookBodies(db: DataSource, options: { days: number; dryRun: boolean; now?: Date }): Promise<WebhookRetentionReport> {
  const before = new Date((options.now ?? new Date()).getTime() - options.days * 86_400_000);
  const targets: Record<'webhookBodies', PurgeTarget> = {
    webhookBodies: {
      count: `select count(*)::int as n from subscriptions.webhook_deliveries where ${DUE}`,
      purge: `update subscriptions.webhook_deliveries set body = '' where id = any(array(
                select id from subscriptions.webhook_deliveries where ${DUE} limit ${PURGE_CHUNK}))`,
    },
  };
  const purged = await purgeBefore(db, targets, before, options.dryRun);
  return { days: options.days, before: before.toISOString(), dryRun: options.dryRun, purged };
}
