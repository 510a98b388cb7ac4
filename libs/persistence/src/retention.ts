import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.factory';
import type { Queryable } from './roles';

/**
 * Retention of payloads past their use (docs/security.md "Retention"): each service lists what it
 * purges as a count and a chunked purge statement, both taking the cut-off time as $1.
 */
export interface PurgeTarget {
  /** `select count(*)::int as n ...` of what is due. */
  count: string;
  /** Purges at most {@link PURGE_CHUNK} due rows (delete, or update setting the payload to null). */
  purge: string;
}

/** Rows per statement: the purge runs in small transactions beside live traffic and can stop and start again. */
export const PURGE_CHUNK = 500;

/**
 * Purges what is older than `before` (dry run: counts it), target by target, chunk by chunk.
 * Idempotent and resumable: a run stopped half-way leaves consistent tables and the next goes on.
 */
export async function purgeBefore<K extends string>(db: Queryable, targets: Record<K, PurgeTarget>, before: Date, dryRun: boolean): Promise<Record<K, number>> {
  const purged = Object.fromEntries(Object.keys(targets).map((k) => [k, 0])) as Record<K, number>;
  for (const [name, sql] of Object.entries(targets) as Array<[K, PurgeTarget]>) {
    if (dryRun) {
      purged[name] = Number(((await db.query(sql.count, [before])) as Array<{ n: number }>)[0].n);
      continue;
    }
    for (;;) {
      const [, affected] = (await db.query(sql.purge, [before])) as [unknown, number];
      purged[name] += affected;
      if (affected < PURGE_CHUNK) break;
    }
  }
  return purged;
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

/**
 * A service's `retention [--dry-run] [--days N]` command: the period from the arguments or the
 * environment, one connection to the service's schema for `purge`, and its report.
 */
export async function runRetention<T>(
  options: { url: string; schema: string; applicationName: string; args: string[]; env: Record<string, string | undefined> },
  purge: (db: DataSource, period: { days: number; dryRun: boolean }) => Promise<T>,
): Promise<T> {
  const days = retentionDays(options.args, options.env);
  if (days === null) throw new Error('the retention period (--days or RETENTION_DAYS) must be a whole number of days, at least 1');
  const db = createDataSource({ url: options.url, schema: options.schema, applicationName: options.applicationName, migrations: [] });
  await db.initialize();
  try {
    return await purge(db, { days, dryRun: options.args.includes('--dry-run') });
  } finally {
    await db.destroy();
  }
}
