import { PURGE_CHUNK as CHUNK, purgeBefore, type PurgeTarget } from '@satupintu/persistence';
import type { DataSource } from 'typeorm';

export { DEFAULT_RETENTION_DAYS, retentionDays } from '@satupintu/persistence';

/**
 * What the gateway keeps of a submission beyond its use, and for how long. After the retention
 * period only the registry's golden record, its history and the audit trail remain; these go:
 *   import-files     the uploaded list files (every row of an agency's list) of finished imports;
 *                    the job, its counts and its per-row report (outcomes, codes) stay
 *   dci-requests     the search requests of DCI transactions (identifiers an agency asked about)
 *   dci-messages     the bodies of DCI callbacks already delivered or given up
 * The audit trail is never purged here (it cannot be changed, by design; see docs/security.md).
 */
export interface RetentionReport {
  days: number;
  before: string;
  dryRun: boolean;
  purged: Record<'importFiles' | 'dciRequests' | 'dciMessages', number>;
}

/**
 * Purges what is older than `days` (dry run: counts it). Idempotent and resumable: each chunk is
 * its own statement, so a run stopped half-way leaves consistent tables and the next run goes on.
 */
export async function purgeExpired(db: DataSource, options: { days: number; dryRun: boolean; now?: Date }): Promise<RetentionReport> {
  const before = new Date((options.now ?? new Date()).getTime() - options.days * 86_400_000);
  const targets: Record<keyof RetentionReport['purged'], PurgeTarget> = {
    importFiles: {
      count: `select count(*)::int as n from gateway.import_files f join gateway.import_jobs j on j.id = f.job_id where j.state in ('done', 'failed') and coalesce(j.finished_at, j.updated_at) < $1`,
      purge: `delete from gateway.import_files where ctid = any(array(
                select f.ctid from gateway.import_files f join gateway.import_jobs j on j.id = f.job_id
                 where j.state in ('done', 'failed') and coalesce(j.finished_at, j.updated_at) < $1 limit ${CHUNK}))`,
    },
    dciRequests: {
      count: `select count(*)::int as n from gateway.dci_transactions where created_at < $1 and requests <> '[]'::jsonb`,
      purge: `update gateway.dci_transactions set requests = '[]'::jsonb where correlation_id = any(array(
                select correlation_id from gateway.dci_transactions where created_at < $1 and requests <> '[]'::jsonb limit ${CHUNK}))`,
    },
    dciMessages: {
      count: `select count(*)::int as n from gateway.dci_deliveries where state in ('delivered', 'dead') and created_at < $1 and message is not null`,
      purge: `update gateway.dci_deliveries set message = null where seq = any(array(
                select seq from gateway.dci_deliveries where state in ('delivered', 'dead') and created_at < $1 and message is not null limit ${CHUNK}))`,
    },
  };
  const purged = await purgeBefore(db, targets, before, options.dryRun);
  return { days: options.days, before: before.toISOString(), dryRun: options.dryRun, purged };
}
