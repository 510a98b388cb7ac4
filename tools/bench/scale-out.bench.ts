import { TOPICS, type FamilyRecord } from '@satupintu/contracts';
import { encodeEvent, EventProducer } from '@satupintu/kafka';
import { generateFamilies } from '@satupintu/synthetic';
import { eventually, parsePrometheus, TestStack, total, validatedEvent } from '@satupintu/testing';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Busy and total CPU time of the whole machine so far (jiffies, from /proc/stat). */
function machineCpu(): { busy: number; all: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const v = fields.map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const all = v.reduce((a, b) => a + b, 0);
  return { busy: all - idle, all };
}

/**
 * Throughput of one consumer service (dedup: matching and registering families) with 1, 2 and 3
 * instances in one consumer group, on the real stack. For each instance count: a scratch database
 * and topic prefix (3 partitions), K dedup processes started and ready, then FAMILIES validated
 * families produced at once; the clock runs until every one is registered (its inbox row committed).
 * Usage, with the local stack up and `npm run build` done:
 *   node -r ./tools/runtime/register-paths.js dist/tools/bench/scale-out.bench.js [FAMILIES] [MAX_INSTANCES]
 */
const FAMILIES = Number(process.argv[2] ?? 6000);
const MAX_INSTANCES = Number(process.argv[3] ?? 3);

interface RunResult {
  instances: number;
  seconds: number;
  familiesPerSecond: number;
  /** CPU seconds the dedup processes used per 1,000 families (all instances together). */
  dedupCpuSecondsPer1000: number;
  /** Share of the machine's CPU time that was busy during the run (all processes). */
  machineBusy: number;
}

async function run(instances: number): Promise<RunResult> {
  const stack = new TestStack(`bench-scale-${instances}`);
  await stack.setUp();
  try {
    for (let i = 1; i <= instances; i++) await stack.start('dedup', { instance: i === 1 ? undefined : `dedup-${i}`, extraEnv: { LOG_LEVEL: 'warn' } });
    const { records } = generateFamilies({ count: FAMILIES, villages: ['31.71.01.1001', '31.71.01.1002', '31.71.02.1001', '31.71.03.1001'], seed: 31 });
    const producer = new EventProducer(stack.kafka, stack.kafkaSettings);
    await producer.connect();
    const cpuBefore = await dedupCpu(stack);
    const machineBefore = machineCpu();
    const started = Date.now();
    for (let i = 0; i < records.length; i += 200) {
      await producer.send(
        records.slice(i, i + 200).map((r) => {
          const family = r.family as FamilyRecord;
          const event = validatedEvent(family);
          return { topic: TOPICS.familyValidated, key: family.kk, value: encodeEvent(TOPICS.familyValidated, event), headers: {} };
        }),
      );
    }
    await producer.disconnect();
    const produced = (Date.now() - started) / 1000;
    await eventually(async () => Number((await stack.db.query('select count(*) as n from registry.inbox')).rows[0].n) === FAMILIES, 1_800_000, 250);
    const seconds = (Date.now() - started) / 1000;
    const machineAfter = machineCpu();
    const cpu = (await dedupCpu(stack)) - cpuBefore;
    console.error(`  ${instances} instance(s): produced in ${produced.toFixed(1)} s, registered in ${seconds.toFixed(1)} s`);
    return {
      instances,
      seconds: Number(seconds.toFixed(1)),
      familiesPerSecond: Math.round(FAMILIES / seconds),
      dedupCpuSecondsPer1000: Number(((cpu / FAMILIES) * 1000).toFixed(2)),
      machineBusy: Number(((machineAfter.busy - machineBefore.busy) / (machineAfter.all - machineBefore.all)).toFixed(2)),
    };
  } finally {
    await stack.tearDown();
  }
}

/** CPU seconds used so far by every dedup instance of the stack (process_cpu_seconds_total). */
async function dedupCpu(stack: TestStack): Promise<number> {
  let sum = 0;
  for (const svc of stack.services.values()) sum += total(parsePrometheus(await (await fetch(`${svc.url}/metrics`)).text()), 'process_cpu_seconds_total');
  return sum;
}

async function main(): Promise<void> {
  const results = [];
  for (let k = 1; k <= MAX_INSTANCES; k++) results.push(await run(k));
  const base = results[0].familiesPerSecond;
  console.log(
    JSON.stringify({
      service: 'dedup',
      families: FAMILIES,
      partitions: 3,
      cpus: cpus().length,
      results: results.map((r) => ({ ...r, speedup: Number((r.familiesPerSecond / base).toFixed(2)) })),
      node: process.version,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
