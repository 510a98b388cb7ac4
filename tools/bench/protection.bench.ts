import type { FamilyRecord } from '@satupintu/contracts';
import { LocalKeyring } from '@satupintu/protection';
import { generateFamilies } from '@satupintu/synthetic';
import { eventually, parsePrometheus, ROOT, submitInChunks, TestStack, total, type ServiceName } from '@satupintu/testing';
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The cost of encryption at rest (docs/security.md "Encryption at rest"): the whole pipeline, six
 * services, with the registry's encryption off and on, alternately (off, on, off, on: the machine's
 * noise falls on both), each on a scratch database and topic prefix. FAMILIES synthetic families are
 * posted to the gateway; the clock runs until every one is registered and until eligibility has
 * decided every one. Then, with encryption on, a new master key and a `rotate` of the whole registry.
 * Usage, with the local stack up and `npm run build` done:
 *   npm run bench:protection -- [FAMILIES] [ROUNDS]
 */
const FAMILIES = Number(process.argv[2] ?? 4000);
const ROUNDS = Number(process.argv[3] ?? 2);
const SERVICES: ServiceName[] = ['gateway', 'validation', 'dedup', 'aggregation', 'eligibility', 'subscriptions'];
const VILLAGES = ['31.71.01.1001', '31.71.01.1002', '31.71.02.1001', '31.71.03.1001'];

interface RunResult {
  protection: 'off' | 'on';
  registeredSeconds: number;
  familiesPerSecond: number;
  decidedSeconds: number;
  dedupCpuSecondsPer1000: number;
  pipelineCpuSecondsPer1000: number;
  /** The registry schema's tables and indexes on disk, per family. */
  registryBytesPerFamily: number;
  walBytesPerFamily: number;
  rotation?: { rows: number; seconds: number; rowsPerSecond: number };
}

async function cpuSeconds(stack: TestStack, names: ServiceName[]): Promise<number> {
  let sum = 0;
  for (const [key, svc] of stack.services) {
    if (names.some((n) => key === n)) sum += total(parsePrometheus(await (await fetch(`${svc.url}/metrics`)).text()), 'process_cpu_seconds_total');
  }
  return sum;
}

const count = async (stack: TestStack, sql: string) => Number((await stack.db.query(sql)).rows[0].n);
const walPosition = async (stack: TestStack) => BigInt((await stack.db.query(`select (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint as n`)).rows[0].n as string);

async function run(protection: 'off' | 'on', seed: number): Promise<RunResult> {
  const stack = new TestStack(`bench-protect-${protection}`);
  await stack.setUp();
  try {
    const quiet = { LOG_LEVEL: 'warn' };
    const gateway = (await stack.start('gateway', { extraEnv: quiet })).url;
    for (const name of SERVICES.slice(1)) await stack.start(name, { extraEnv: { ...quiet, ...(name === 'dedup' && protection === 'off' ? { PROTECTION: 'off' } : {}) } });
    const records = generateFamilies({ count: FAMILIES, villages: VILLAGES, seed, keyPrefix: `bench-protect-${seed}`, duplicateRate: 0, errorRate: 0 }).records.map((r) => ({
      idempotencyKey: r.idempotencyKey,
      family: r.family as FamilyRecord,
    }));
    const dedupBefore = await cpuSeconds(stack, ['dedup']);
    const allBefore = await cpuSeconds(stack, SERVICES);
    const walBefore = await walPosition(stack);
    const started = Date.now();
    await submitInChunks(gateway, records, 250);
    await eventually(async () => (await count(stack, 'select count(*)::int as n from registry.inbox')) === FAMILIES, 1_800_000, 250);
    const registeredSeconds = (Date.now() - started) / 1000;
    await eventually(async () => (await count(stack, 'select count(*)::int as n from eligibility.families')) === FAMILIES, 1_800_000, 250);
    const decidedSeconds = (Date.now() - started) / 1000;
    const wal = Number((await walPosition(stack)) - walBefore);
    const dedupCpu = (await cpuSeconds(stack, ['dedup'])) - dedupBefore;
    const allCpu = (await cpuSeconds(stack, SERVICES)) - allBefore;
    const registryBytes = await count(stack, `select sum(pg_total_relation_size(c.oid))::bigint as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'registry' and c.relkind = 'r'`);
    const result: RunResult = {
      protection,
      registeredSeconds: Number(registeredSeconds.toFixed(1)),
      familiesPerSecond: Math.round(FAMILIES / registeredSeconds),
      decidedSeconds: Number(decidedSeconds.toFixed(1)),
      dedupCpuSecondsPer1000: Number(((dedupCpu / FAMILIES) * 1000).toFixed(2)),
      pipelineCpuSecondsPer1000: Number(((allCpu / FAMILIES) * 1000).toFixed(2)),
      registryBytesPerFamily: Math.round(registryBytes / FAMILIES),
      walBytesPerFamily: Math.round(wal / FAMILIES),
    };
    if (protection === 'on') {
      // A new master key, then the whole registry rewritten under it beside the running service.
      const ring = LocalKeyring.withNewKey(stack.keyring, 'bench-b');
      const rotateStarted = Date.now();
      const { stdout } = await promisify(execFile)(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), join(ROOT, 'dist/apps/dedup/src/main.js'), 'rotate'], {
        env: stack.env('dedup', 0, { ...quiet, PROTECTION_KEYRING: JSON.stringify(ring) }),
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      });
      const seconds = (Date.now() - rotateStarted) / 1000;
      const rows = (JSON.parse(stdout) as { tables: Array<{ rewritten: number }> }).tables.reduce((n, t) => n + t.rewritten, 0);
      result.rotation = { rows, seconds: Number(seconds.toFixed(1)), rowsPerSecond: Math.round(rows / seconds) };
    }
    console.error(`  protection ${protection}: registered in ${result.registeredSeconds} s, decided in ${result.decidedSeconds} s`);
    return result;
  } finally {
    await stack.tearDown();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const results: RunResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ['off', 'on'] as const) results.push(await run(mode, 900 + round));
  }
  const of = (mode: 'off' | 'on', key: keyof Omit<RunResult, 'protection' | 'rotation'>) => median(results.filter((r) => r.protection === mode).map((r) => r[key]));
  const ratio = (key: keyof Omit<RunResult, 'protection' | 'rotation'>) => Number((of('on', key) / of('off', key)).toFixed(2));
  console.log(
    JSON.stringify({
      families: FAMILIES,
      rounds: ROUNDS,
      cpus: cpus().length,
      node: process.version,
      results,
      onOverOff: {
        familiesPerSecond: ratio('familiesPerSecond'),
        decidedSeconds: ratio('decidedSeconds'),
        dedupCpuSecondsPer1000: ratio('dedupCpuSecondsPer1000'),
        pipelineCpuSecondsPer1000: ratio('pipelineCpuSecondsPer1000'),
        registryBytesPerFamily: ratio('registryBytesPerFamily'),
        walBytesPerFamily: ratio('walBytesPerFamily'),
      },
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
