import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';

/**
 * Where a benchmark's work goes, stage by stage (issue 20): what each service instance spent in CPU,
 * what each schema wrote (rows inserted, updated, deleted; bytes it grew by), the WAL and the
 * transactions of the whole database, and what each Kafka topic grew by on the broker's disk. Taken
 * as a snapshot before and after a run on the local stack (tools/stack), reported per 1,000 families.
 */
export interface StageSnapshot {
  at: number;
  /** CPU seconds (user + system) of each running service instance, by its pid file's name. */
  cpu: Record<string, number>;
  schemas: Record<string, { inserted: number; updated: number; deleted: number; bytes: number }>;
  walBytes: bigint;
  commits: number;
  /** Bytes of each topic's log segments on the local broker's disk (all partitions). */
  topicBytes: Record<string, number>;
}

/** Linux's clock ticks per second (USER_HZ), the unit of /proc/<pid>/stat's times. */
const TICKS_PER_SECOND = 100;

export async function takeSnapshot(db: Client, localDir: string, services: readonly string[]): Promise<StageSnapshot> {
  const schemas: StageSnapshot['schemas'] = {};
  const rows = (await db.query(
    `select schemaname as schema, sum(n_tup_ins)::bigint as ins, sum(n_tup_upd)::bigint as upd, sum(n_tup_del)::bigint as del,
            sum(pg_total_relation_size(relid))::bigint as bytes
       from pg_stat_user_tables group by schemaname`,
  )).rows as Array<{ schema: string; ins: string; upd: string; del: string; bytes: string }>;
  for (const r of rows) schemas[r.schema] = { inserted: Number(r.ins), updated: Number(r.upd), deleted: Number(r.del), bytes: Number(r.bytes) };
  const wal = (await db.query(`select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text as b`)).rows[0].b as string;
  const commits = Number((await db.query('select xact_commit::bigint as n from pg_stat_database where datname = current_database()')).rows[0].n);
  return { at: Date.now(), cpu: ofServiceInstances(join(localDir, 'run'), services, cpuSeconds), schemas, walBytes: BigInt(wal.split('.')[0]), commits, topicBytes: topicBytes(join(localDir, 'kafka', 'data')) };
}

/**
 * Reads something of each running service instance started by tools/stack/services.sh (its pid file
 * in `runDir`), by instance name (`dedup-1`); an instance that is gone, or `read` giving undefined, is left out.
 */
export function ofServiceInstances<T>(runDir: string, services: readonly string[], read: (pid: string) => T | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  if (!existsSync(runDir)) return out;
  for (const f of readdirSync(runDir).filter((x) => x.endsWith('.pid') && services.some((s) => x.startsWith(`${s}-`)))) {
    try {
      const value = read(readFileSync(join(runDir, f), 'utf8').trim());
      if (value !== undefined) out[f.replace(/\.pid$/, '')] = value;
    } catch {
      // not running
    }
  }
  return out;
}

/** CPU seconds (user + system) of a process. */
function cpuSeconds(pid: string): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Peak resident memory (VmHWM) of a process, MiB. */
export function peakMemoryMiB(pid: string): number | undefined {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return hwm ? Math.round(Number(hwm[1]) / 1024) : undefined;
}

function topicBytes(dataDir: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (!existsSync(dataDir)) return out;
  for (const dir of readdirSync(dataDir)) {
    const m = /^(.+)-(\d+)$/.exec(dir);
    if (!m || m[1].startsWith('__')) continue;
    let bytes = 0;
    try {
      for (const f of readdirSync(join(dataDir, dir))) if (f.endsWith('.log')) bytes += statSync(join(dataDir, dir, f)).size;
    } catch {
      continue; // a partition deleted meanwhile
    }
    out[m[1]] = (out[m[1]] ?? 0) + bytes;
  }
  return out;
}

export interface StageProfile {
  families: number;
  seconds: number;
  /** CPU seconds per 1,000 families, by service (instances summed), and their total. */
  cpuSecondsPer1000: Record<string, number>;
  /** Per family, by schema: rows inserted, updated, deleted, and bytes stored. */
  perFamilyBySchema: Record<string, { inserted: number; updated: number; deleted: number; bytes: number }>;
  perFamily: { rows: number; walBytes: number; commits: number; kafkaBytes: number };
  /** Kafka bytes per family, by topic. */
  kafkaBytesPerFamily: Record<string, number>;
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** The difference of two snapshots, per family (per 1,000 for CPU). */
export function stageProfile(before: StageSnapshot, after: StageSnapshot, families: number): StageProfile {
  const cpu: Record<string, number> = {};
  for (const [instance, s] of Object.entries(after.cpu)) {
    const service = instance.replace(/-\d+$/, '');
    cpu[service] = (cpu[service] ?? 0) + (s - (before.cpu[instance] ?? 0));
  }
  const cpuSecondsPer1000 = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round((v / families) * 1000)]));
  cpuSecondsPer1000.total = round(Object.values(cpu).reduce((a, b) => a + b, 0) / families * 1000);
  const perFamilyBySchema: StageProfile['perFamilyBySchema'] = {};
  let rows = 0;
  for (const [schema, a] of Object.entries(after.schemas)) {
    const b = before.schemas[schema] ?? { inserted: 0, updated: 0, deleted: 0, bytes: 0 };
    const d = { inserted: a.inserted - b.inserted, updated: a.updated - b.updated, deleted: a.deleted - b.deleted, bytes: a.bytes - b.bytes };
    if (d.inserted + d.updated + d.deleted === 0 && d.bytes === 0) continue;
    rows += d.inserted + d.updated + d.deleted;
    perFamilyBySchema[schema] = { inserted: round(d.inserted / families), updated: round(d.updated / families), deleted: round(d.deleted / families), bytes: Math.round(d.bytes / families) };
  }
  const kafkaBytesPerFamily: Record<string, number> = {};
  let kafka = 0;
  for (const [topic, bytes] of Object.entries(after.topicBytes)) {
    const d = bytes - (before.topicBytes[topic] ?? 0);
    if (d <= 0) continue;
    kafka += d;
    kafkaBytesPerFamily[topic] = Math.round(d / families);
  }
  return {
    families,
    seconds: round((after.at - before.at) / 1000, 1),
    cpuSecondsPer1000,
    perFamilyBySchema,
    perFamily: { rows: round(rows / families, 1), walBytes: Math.round(Number(after.walBytes - before.walBytes) / families), commits: round((after.commits - before.commits) / families, 2), kafkaBytes: Math.round(kafka / families) },
    kafkaBytesPerFamily,
  };
}
