import { AgencyFamilyEventV1, agencyTopics } from '@satupintu/contracts';
import { AgencySubscriber, readToEnd } from '@satupintu/kafka';
import { generateFamilies } from '@satupintu/synthetic';
import { eventually, ROOT, TestStack, type ServiceName } from '@satupintu/testing';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/**
 * Fault trials on the local stack (loopback only): for each scenario of tools/chaos/scenarios.json,
 * a fresh slice of the real stack (its own database, topic prefix and the six services as child
 * processes), a load client that retries like a well-behaved intake app, the fault, and then the
 * invariants read from the platform's own tables and topics:
 *   lost      accepted records whose family is not in the registry
 *   doubled   families registered twice (same KK) + persons twice (same NIK, neither merged)
 *   dlq       messages in any dead-letter topic
 *   http500   500 answers the client saw (an unavailable dependency must be 503)
 *   recovery  seconds from the end of the fault until every record accepted so far is registered
 *   reconcile region counters that differ from a recount of the registry (aggregation's own
 *             `reconcile`, retried for up to 2 minutes after the registry has drained)
 *   eligibility registered families whose eligibility state is missing or of another version
 *             (same 2 minutes)
 *   agency    registered families that a watching agency (granted the trial's regency) does not
 *             hold as the registry has them: the subscriptions service's view of another version,
 *             or the agency's own copy (its changes topic read from the start, applied with the
 *             sequence rule of docs/subscriptions.md) missing, of another KK or another sequence
 *             (same 2 minutes)
 *   repeats   family events the agency received more than once (same ce_id): at-least-once
 *             delivery's repeats after a fault, harmless under the sequence rule, counted
 * Usage (after `npm run build`, with tools/stack/infra.sh up):
 *   npm run chaos -- [SCENARIO ...] [--trials N]
 * Prints one JSON line per trial and a Markdown table at the end (for docs/benchmarks.md).
 */
type ServerName = 'postgres' | 'redis' | 'kafka';
/** PostgreSQL's disk: the trial's database lives in a tablespace on a small filesystem of its own, which the fault fills. */
type DiskName = 'postgres-disk';
interface Scenario {
  name: string;
  target: ServiceName | ServerName | DiskName;
  action: 'kill' | 'stop' | 'pause' | 'fill' | 'none';
  seconds: number;
  repeat?: number;
  everySeconds?: number;
  instances?: Partial<Record<ServiceName, number>>;
  families: number;
  ratePerSecond: number;
  /** Size of the small filesystem of a postgres-disk scenario (MB). */
  diskMb?: number;
  /** Clients posting at once (each its share of the records and of the rate); 1 unless said. */
  clients?: number;
}
interface TrialResult {
  scenario: string;
  trial: number;
  accepted: number;
  lost: number;
  doubled: number;
  dlq: number;
  reconcile: number;
  eligibility: number;
  agency: number;
  /** Family events on the agency's changes topic, and how many of them repeated an earlier one (same ce_id). */
  agencyEvents: number;
  agencyRepeats: number;
  http500: number;
  http503: number;
  http429: number;
  networkErrors: number;
  recoverySeconds: number;
  totalSeconds: number;
  /** Families accepted per second while the load ran, and registered per second from the first post to the drain. */
  acceptedPerSecond: number;
  registeredPerSecond: number;
  /** Largest resident memory of any gateway instance, sampled every second. */
  gatewayPeakRssMb: number;
}

const SERVICES: ServiceName[] = ['gateway', 'validation', 'dedup', 'aggregation', 'eligibility', 'subscriptions'];
const SERVERS: ServerName[] = ['postgres', 'redis', 'kafka'];
/** Quiet logs, and the gateway's load shedding as in production (the test stack turns its event-loop measure off). */
const SERVICE_ENV = { LOG_LEVEL: 'warn', SHED_MAX_EVENT_LOOP_DELAY_MS: '500' };
/** The agency that watches every trial: family events of the regency the load is in, the KK only. */
const AGENCY = 'chaos-watch';
const AGENCY_GRANT = { eventTypes: ['family.changed'], fields: ['kk'], regions: ['31.71'], purpose: 'social-protection' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const infra = (...args: string[]) => execFileSync(join(ROOT, 'tools/stack/infra.sh'), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/**
 * Writes `file` until the filesystem is full: 1 MiB blocks, then 4 KiB ones, until ENOSPC (tmpfs
 * refuses an fallocate of exactly the free space it reports, so the free space is not computed).
 */
function fillUp(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const size of [1 << 20, 4096]) {
      const block = Buffer.alloc(size, 1);
      for (;;) {
        try {
          writeSync(fd, block);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** The fault, once: the target down for `seconds`, then back (by the stack scripts alone for a server). */
async function injectOnce(stack: TestStack, s: Scenario, round: number, space: string | null): Promise<void> {
  if (s.action === 'none') return;
  if (s.target === 'postgres-disk') {
    // Every free byte of the tablespace's filesystem taken; PostgreSQL cannot extend a table (53100) until it is given back.
    const filler = join(space!, 'filler');
    fillUp(filler);
    await sleep(s.seconds * 1000);
    unlinkSync(filler);
    return;
  }
  if ((SERVERS as string[]).includes(s.target)) {
    const server = s.target as ServerName;
    const pid = Number(infra('pid', server));
    if (s.action === 'pause') process.kill(pid, 'SIGSTOP');
    else if (s.action === 'kill') process.kill(pid, 'SIGKILL');
    else infra('stop', server);
    await sleep(s.seconds * 1000);
    if (s.action === 'pause') process.kill(pid, 'SIGCONT');
    else infra('up');
    return;
  }
  const name = s.target as ServiceName;
  const keys = [...stack.services.keys()].filter((k) => stack.services.get(k)!.name === name);
  const key = keys[round % keys.length];
  const svc = stack.services.get(key)!;
  if (s.action === 'pause') {
    svc.process.kill('SIGSTOP');
    await sleep(s.seconds * 1000);
    svc.process.kill('SIGCONT');
    return;
  }
  await stack.stop(key, s.action === 'kill' ? 'SIGKILL' : 'SIGTERM');
  await sleep(s.seconds * 1000);
  await stack.start(name, { instance: key === name ? undefined : key, extraEnv: SERVICE_ENV });
}

/** Posts the records in chunks at the scenario's rate; retries a chunk (same idempotency keys) on 503, 429 and network errors. */
async function load(url: string, records: Array<{ idempotencyKey: string; family: unknown }>, rate: number, key: string, counts: Record<string, number>, accepted: Set<string>) {
  const chunk = Math.max(1, Math.round(rate / 4));
  const started = Date.now();
  for (let i = 0; i < records.length; i += chunk) {
    const due = started + (i / rate) * 1000;
    if (Date.now() < due) await sleep(due - Date.now());
    const part = records.slice(i, i + chunk);
    for (;;) {
      let wait = 1000;
      try {
        const res = await fetch(`${url}/v1/submissions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ records: part }),
          signal: AbortSignal.timeout(30_000),
        });
        counts[`http${res.status}`] = (counts[`http${res.status}`] ?? 0) + 1;
        if (res.status === 202) {
          const body = (await res.json()) as { records: Array<{ index: number; status: string }> };
          for (const r of body.records) if (r.status === 'accepted' || r.status === 'duplicate') accepted.add(part[r.index].idempotencyKey);
          break;
        }
        await res.body?.cancel();
        if (res.status !== 503 && res.status !== 429 && res.status !== 500) break; // a refusal of the content: not retried
        wait = Number(res.headers.get('retry-after') ?? 1) * 1000;
      } catch {
        counts.networkErrors = (counts.networkErrors ?? 0) + 1;
      }
      await sleep(wait);
    }
  }
}

/** Region counters differing from a recount of the registry: aggregation's `reconcile` command, as an operator runs it. */
async function reconcileDifferences(stack: TestStack): Promise<number> {
  const main = join(ROOT, 'dist/apps/aggregation/src/main.js');
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), main, 'reconcile'], {
    env: stack.env('aggregation', 0, SERVICE_ENV),
    maxBuffer: 64 * 1024 * 1024,
  });
  return (JSON.parse(stdout) as { differenceCount: number }).differenceCount;
}

/** Grants the watching agency its view, through the gateway as an admin does. */
async function grantAgency(gateway: string, key: string): Promise<void> {
  const res = await fetch(`${gateway}/v1/admin/agencies/${AGENCY}/grant`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(AGENCY_GRANT),
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`the agency grant was refused: ${res.status} ${await res.text()}`);
}

/**
 * What the watching agency holds against the registry: families (of the accepted KKs) whose
 * subscriptions view is of another registry version, or whose copy at the agency (its whole changes
 * topic applied with the reference subscriber's sequence rule) is missing, of another KK or behind
 * the last published sequence; and the family events it received more than once.
 */
async function agencyView(stack: TestStack, pool: Pool, kks: string[], read: number): Promise<{ behind: number; events: number; repeats: number }> {
  const kkOf = new Map(kks.map((kk) => [stack.index('kk', kk), kk]));
  const registry = ((await pool.query('select id, kk_index, version from registry.families where kk_index = any($1)', [[...kkOf.keys()]])).rows as Array<{ id: string; kk_index: string; version: number }>).map((r) => ({
    id: r.id,
    kk: kkOf.get(r.kk_index)!,
    version: r.version,
  }));
  const published = new Map(
    ((await pool.query('select family_id, sequence, source_version from subscriptions.agency_families where agency_id = $1', [AGENCY])).rows as Array<{ family_id: string; sequence: number; source_version: number }>).map((r) => [r.family_id, r]),
  );
  const topics = { changes: stack.topic(agencyTopics(AGENCY).changes), snapshot: stack.topic(agencyTopics(AGENCY).snapshot) };
  const agency = new AgencySubscriber(stack.kafka, topics);
  const seen = new Set<string>();
  let events = 0;
  let repeats = 0;
  for (const m of await readToEnd(stack.kafka, topics.changes, stack.topic(`agency.${AGENCY}.check-${read}`))) {
    if (!m.type?.includes('.family.')) continue;
    events += 1;
    if (m.id && seen.has(m.id)) repeats += 1;
    if (m.id) seen.add(m.id);
    const parsed = AgencyFamilyEventV1.safeParse(m.data);
    if (parsed.success) agency.apply(parsed.data);
  }
  let behind = 0;
  for (const f of registry) {
    const p = published.get(f.id);
    const held = agency.families.get(f.id);
    if (!p || p.source_version !== f.version || !held || held.family.kk !== f.kk || held.sequence !== p.sequence) behind += 1;
  }
  return { behind, events, repeats };
}

/** Samples the resident memory of the gateway instances every second (Linux /proc). */
function sampleRss(stack: TestStack): { stop: () => void; peakMb: () => number } {
  let peak = 0;
  const timer = setInterval(() => {
    for (const svc of stack.services.values()) {
      if (svc.name !== 'gateway' || !svc.process.pid) continue;
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${svc.process.pid}/status`, 'utf8'))?.[1] ?? 0);
        peak = Math.max(peak, kb);
      } catch {
        // restarted or gone: the next sample finds the new process
      }
    }
  }, 1000);
  return { stop: () => clearInterval(timer), peakMb: () => Math.round(peak / 1024) };
}

async function trial(s: Scenario, n: number): Promise<TrialResult> {
  const stack = new TestStack(`chaos-${s.name}-${n}`);
  await stack.setUp();
  // The runner's own reads go through a pool that ignores connection errors: PostgreSQL may be the fault's target.
  stack.db.on('error', () => undefined);
  const pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
  pool.on('error', () => undefined);
  const count = async (sql: string, params: unknown[] = []) => Number((await pool.query(sql, params)).rows[0].n);
  const spaceName = `chaos_space_${n}`;
  let space: string | null = null;
  try {
    if (s.target === 'postgres-disk') {
      space = infra('small-space', spaceName, String(s.diskMb ?? 256)).split('\n').pop()!;
      // New sessions of the trial's database create their tables there: every service's migrations run after this.
      await stack.db.query(`alter database "${new URL(stack.databaseUrl).pathname.slice(1)}" set default_tablespace = ${spaceName}`);
    }
    for (const name of SERVICES) {
      const count = s.instances?.[name] ?? 1;
      for (let i = 1; i <= count; i++) await stack.start(name, { instance: i === 1 ? undefined : `${name}-${i}`, extraEnv: SERVICE_ENV });
    }
    const gateway = stack.services.get('gateway')!.url;
    await grantAgency(gateway, stack.adminKey);
    const { records } = generateFamilies({ count: s.families, villages: ['31.71.01.1001', '31.71.01.1002', '31.71.02.1001', '31.71.03.1001'], seed: 500 + n });
    const all = records as Array<{ idempotencyKey: string; family: { kk: string; members: Array<{ nik?: string | null }> } }>;
    const counts: Record<string, number> = {};
    const accepted = new Set<string>();
    const begun = Date.now();
    const clients = s.clients ?? 1;
    const rss = sampleRss(stack);
    const posting = Promise.all(
      Array.from({ length: clients }, (_, c) => load(gateway, all.filter((_, i) => i % clients === c), s.ratePerSecond / clients, stack.adminKey, counts, accepted)),
    ).then(() => Date.now());

    await sleep(5_000); // the load is flowing
    for (let round = 0; round < (s.repeat ?? 1); round++) {
      if (round > 0) await sleep((s.everySeconds ?? 10) * 1000);
      await injectOnce(stack, s, round, space);
    }
    const faultEnded = Date.now();
    const acceptedAtEnd = accepted.size;
    // Recovery: every record accepted until the fault ended is registered (registry inbox: one row per family event).
    await eventually(async () => (await count('select count(*)::int as n from registry.inbox').catch(() => -1)) >= acceptedAtEnd, 600_000, 250);
    const recoverySeconds = (Date.now() - faultEnded) / 1000;
    const postingEnded = await posting;
    const byKey = new Map(all.map((r) => [r.idempotencyKey, r.family]));
    const kks = [...accepted].map((k) => byKey.get(k)!.kk);
    const niks = [...accepted].flatMap((k) => byKey.get(k)!.members.map((m) => m.nik).filter((x): x is string => !!x));
    // The registry finds a KK or NIK by its blind index (docs/security.md "Encryption at rest").
    const kkIndexes = kks.map((kk) => stack.index('kk', kk));
    const nikIndexes = niks.map((nik) => stack.index('nik', nik));
    const presentFamilies = () => count('select count(distinct kk_index)::int as n from registry.families where kk_index = any($1)', [kkIndexes]);
    // Drained: every accepted family present, or 10 minutes.
    await eventually(async () => (await presentFamilies().catch(() => -1)) >= kks.length, 600_000, 500).catch(() => undefined);
    const drained = Date.now();
    rss.stop();
    await sleep(3_000); // anything still in flight that would double shows up
    const present = await presentFamilies();
    const doubledFamilies = await count('select coalesce(sum(c - 1), 0)::int as n from (select count(*) as c from registry.families where kk_index = any($1) group by kk_index having count(*) > 1) x', [kkIndexes]);
    const doubledPersons = await count('select coalesce(sum(c - 1), 0)::int as n from (select count(*) as c from registry.persons where nik_index = any($1) and merged_into is null group by nik_index having count(*) > 1) x', [nikIndexes]);
    const dlq = await stack.deadLetters();
    // The read sides catch up after the registry: eligibility's state of each family, aggregation's counters.
    const eligibilityBehind = () =>
      count('select count(*)::int as n from registry.families f left join eligibility.families e on e.family_id = f.id where f.kk_index = any($1) and e.version is distinct from f.version', [kkIndexes]);
    const settled = async <T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const v = await read();
        if (ok(v) || Date.now() > deadline) return v;
        await sleep(2_000);
      }
    };
    const eligibility = await settled(eligibilityBehind, (n) => n === 0);
    const reconcile = await settled(() => reconcileDifferences(stack), (n) => n === 0);
    let reads = 0;
    const agency = await settled(() => agencyView(stack, pool, kks, reads++), (a) => a.behind === 0);
    return {
      scenario: s.name,
      trial: n,
      accepted: accepted.size,
      lost: kks.length - present,
      doubled: doubledFamilies + doubledPersons,
      dlq,
      reconcile,
      eligibility,
      agency: agency.behind,
      agencyEvents: agency.events,
      agencyRepeats: agency.repeats,
      http500: counts.http500 ?? 0,
      http503: counts.http503 ?? 0,
      http429: counts.http429 ?? 0,
      networkErrors: counts.networkErrors ?? 0,
      recoverySeconds: Number(recoverySeconds.toFixed(1)),
      totalSeconds: Number(((Date.now() - begun) / 1000).toFixed(1)),
      acceptedPerSecond: Math.round(accepted.size / ((postingEnded - begun) / 1000)),
      registeredPerSecond: Math.round(present / ((drained - begun) / 1000)),
      gatewayPeakRssMb: rss.peakMb(),
    };
  } finally {
    await pool.end().catch(() => undefined);
    try {
      infra('up'); // whatever the trial did, the servers are up for the next one
    } finally {
      await stack.tearDown(); // the trial's services stop even when a server does not come back
      if (space) infra('drop-space', spaceName);
    }
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const t = args.indexOf('--trials');
  const trials = t >= 0 ? Number(args[t + 1]) : 3;
  const names = args.filter((a, i) => !a.startsWith('--') && (t < 0 || i !== t + 1));
  const { scenarios } = JSON.parse(readFileSync(join(ROOT, 'tools/chaos/scenarios.json'), 'utf8')) as { scenarios: Scenario[] };
  const unknown = names.filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  const chosen = names.length > 0 ? names.map((n) => scenarios.find((s) => s.name === n)!) : scenarios;
  const results: TrialResult[] = [];
  for (const s of chosen) {
    for (let n = 1; n <= trials; n++) {
      try {
        const r = await trial(s, n);
        results.push(r);
        console.log(JSON.stringify(r));
      } catch (err) {
        // The runner's own failure (not an invariant): said, counted as a failed run, and the next trial goes on.
        console.error(`trial ${s.name} ${n} could not run: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    }
  }
  console.log(`\n${cpus().length} cores, Node ${process.version}\n`);
  console.log('| scenario | trials | accepted | lost | doubled | dead letters | reconcile diffs | eligibility behind | agency behind | agency repeats / events | HTTP 500 | 503 / 429 seen | recovery s (each trial) | accepted/s | registered/s | gateway peak RSS MB |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const s of chosen) {
    const rs = results.filter((r) => r.scenario === s.name);
    const sum = (f: (r: TrialResult) => number) => rs.reduce((a, r) => a + f(r), 0);
    console.log(`| ${s.name} | ${rs.length} | ${sum((r) => r.accepted)} | ${sum((r) => r.lost)} | ${sum((r) => r.doubled)} | ${sum((r) => r.dlq)} | ${sum((r) => r.reconcile)} | ${sum((r) => r.eligibility)} | ${sum((r) => r.agency)} | ${sum((r) => r.agencyRepeats)} / ${sum((r) => r.agencyEvents)} | ${sum((r) => r.http500)} | ${sum((r) => r.http503)} / ${sum((r) => r.http429)} | ${rs.map((r) => r.recoverySeconds).join(', ')} | ${rs.map((r) => r.acceptedPerSecond).join(', ')} | ${rs.map((r) => r.registeredPerSecond).join(', ')} | ${Math.max(...rs.map((r) => r.gatewayPeakRssMb))} |`);
  }
  if (results.some((r) => r.lost > 0 || r.doubled > 0 || r.dlq > 0 || r.reconcile > 0 || r.eligibility > 0 || r.agency > 0 || r.http500 > 0)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
