import type { DataSource } from 'typeorm';

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

/** Rows per statement: the purge runs in small transactions beside live traffic and can stop and start again. */
const CHUNK = 500;

/**
 * Purges what is older than `days` (dry run: counts it). Idempotent and resumable: each chunk is
 * its own statement, so a run stopped half-way leaves consistent tables and the next run goes on.
 */
export async function purgeExpired(db: DataSource, options: { days: number; dryRun: boolean; now?: Date }): Promise<RetentionReport> {
  const before = new Date((options.now ?? new Date()).getTime() - options.days * 86_400_000);
  const targets = {
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
  const purged = { importFiles: 0, dciRequests: 0, dciMessages: 0 };
  for (const [name, sql] of Object.entries(targets) as Array<[keyof typeof purged, { count: string; purge: string }]>) {
    if (options.dryRun) {
      purged[name] = Number((await db.query(sql.count, [before]))[0].n);
      continue;
    }
    for (;;) {
      const [, affected] = (await db.query(sql.purge, [before])) as [unknown, number];
      purged[name] += affected;
      if (affected < CHUNK) break;
    }
  }
  return { days: options.days, before: before.toISOString(), dryRun: options.dryRun, purged };
}

/** Days a submission's payloads are kept unless RETENTION_DAYS or --days says otherwise. */
export const DEFAULT_RETENTION_DAYS = 365;

/** The period from `--days N`, else RETENTION_DAYS, else the default; null when not a whole number of at least 1. */
export function retentionDays(args: string[], env: Record<string, string | undefined>): number | null {
  const i = args.indexOf('--days');
  const raw = i >= 0 ? args[i + 1] : (env.RETENTION_DAYS ?? String(DEFAULT_RETENTION_DAYS));
  const days = Number(raw);
  return Number.isInteger(days) && days >= 1 ? days : null;
}
