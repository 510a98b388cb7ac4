import { TOPICS, type FamilyChangedV1, type FamilyRecord, type FamilyState } from '@satupintu/contracts';
import { officialRegions, regionPathOf, THEMES } from '@satupintu/domain';
import { createKafka, encodeEvent, physicalName } from '@satupintu/kafka';
import { createLogger } from '@satupintu/observability';
import { BaseConfigSchema, kafkaSettingsOf, parseConfig, withLocalStackCredentials } from '@satupintu/platform';
import { generateFamilies, toFamilyState } from '@satupintu/synthetic';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Aggregation speed on the real stack (Kafka, PostgreSQL, Redis; aggregation and gateway as
 * processes, a scratch database and topic prefix):
 *   1. steady: family changes produced at RATE/s for SECONDS; consumer lag sampled every second;
 *   2. backlog: BACKLOG changes produced at once; time until all are counted (the ceiling);
 *   3. queries: every region of DKI Jakarta x every theme (and all themes), once uncached and once
 *      cached, through the gateway: latency percentiles.
 * Usage, with the local stack up and `npm run build` done:
 *   node -r ./tools/runtime/register-paths.js dist/tools/bench/aggregation.bench.js [RATE] [SECONDS] [BACKLOG]
 */
const RATE = Number(process.argv[2] ?? 2000);
const SECONDS = Number(process.argv[3] ?? 20);
const BACKLOG = Number(process.argv[4] ?? 40_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROOT = join(__dirname, '..', '..', '..');
const config = parseConfig(BaseConfigSchema, withLocalStackCredentials());
const runId = `bench_agg_${Date.now()}`;
const databaseUrl = Object.assign(new URL(config.DATABASE_URL), { pathname: `/${runId}` }).toString();
const kafkaSettings = { ...kafkaSettingsOf(config, runId, 3), topicPrefix: `${runId}.` };
/** The scratch gateway's admin key (AUTH_BOOTSTRAP_ADMIN_KEY); queries are sent with it, without rate limits. */
const adminKey = `spk_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;

/** Starts one service from dist/ on the scratch database and topic prefix; resolves when it is ready. */
async function startService(name: 'aggregation' | 'gateway', port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), join(ROOT, `dist/apps/${name}/src/main.js`)], {
    env: { ...process.env, DATABASE_URL: databaseUrl, KAFKA_TOPIC_PREFIX: kafkaSettings.topicPrefix, KAFKA_PARTITIONS: '3', PORT: String(port), LOG_LEVEL: 'warn', AUTH_BOOTSTRAP_ADMIN_KEY: adminKey, RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_PRINCIPAL: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await sleep(250)) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    if (await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false)) return child;
  }
  throw new Error(`${name} did not become ready`);
}


/** A stream of changes: 60 % new families, 25 % updates (decile, a member less), 15 % moves to another village. */
function changes(n: number, villages: string[], seed: number): Array<{ key: string; value: string }> {
  const { records } = generateFamilies({ count: n, villages, seed, keyPrefix: `agg-${seed}` });
  const live: FamilyState[] = [];
  const out: Array<{ key: string; value: string }> = [];
  let r = 0;
  for (let i = 0; i < n; i++) {
    const roll = (i * 7919) % 100;
    let before: FamilyState | null = null;
    let after: FamilyState;
    if (live.length < 100 || roll < 60) {
      after = toFamilyState(records[r++ % records.length].family as FamilyRecord);
      live.push(after);
    } else {
      const idx = (i * 104_729) % live.length;
      before = live[idx];
      after = { ...before, version: before.version + 1 };
      if (roll < 85) after = { ...after, attributes: { ...after.attributes, welfareDecile: 1 + (i % 10) }, members: after.members.length > 1 ? after.members.slice(0, -1) : after.members };
      else after = { ...after, address: { ...regionPathOf(villages[i % villages.length])!, rt: after.address.rt, rw: after.address.rw } };
      live[idx] = after;
    }
    const e: FamilyChangedV1 = {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      familyId: after.familyId,
      version: after.version,
      cause: { type: 'submission', recordId: randomUUID(), revision: 1 },
      before,
      after,
      diff: [],
    };
    out.push({ key: e.familyId, value: encodeEvent(TOPICS.familyChanged, e) });
  }
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
};

async function main() {
  const catalogue = officialRegions();
  const villages: string[] = [];
  const walk = (c: string): void => {
    const kids = catalogue.childrenOf(c);
    if (kids.length === 0 && c.split('.').length === 4) villages.push(c);
    kids.forEach(walk);
  };
  walk('31');
  const pg = new Client({ connectionString: config.DATABASE_URL });
  await pg.connect();
  await pg.query(`create database "${runId}"`);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const kafka = createKafka(kafkaSettings, createLogger('bench', 'warn'));
  const steadyEvents = changes(RATE * SECONDS, villages, 11);
  const backlogEvents = changes(BACKLOG, villages, 12);
  const services: ChildProcess[] = [];
  // Whatever happens, the services this run started end with it.
  process.once('exit', () => services.forEach((c) => c.exitCode === null && c.kill('SIGTERM')));
  services.push(await startService('aggregation', 3903), await startService('gateway', 3900));
  const gateway = 'http://127.0.0.1:3900';
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  const topic = physicalName(kafkaSettings, TOPICS.familyChanged);
  const groupId = physicalName(kafkaSettings, 'aggregation');
  const lag = async () => {
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const done = new Map(committed[0].partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
    return ends.reduce((s, p) => s + Number(p.high) - (done.get(p.partition) ?? 0), 0);
  };
  const drained = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while ((await lag()) > 0) {
      if (Date.now() > deadline) throw new Error('aggregation did not catch up');
      await sleep(100);
    }
  };
  const send = (batch: Array<{ key: string; value: string }>) => producer.send({ topic, messages: batch });

  // Warm-up: a few changes, so the consumer has joined and compiled its paths.
  await send(changes(200, villages, 10));
  await drained(60_000);

  // 1. Steady rate with lag sampled once a second.
  const lags: number[] = [];
  const perTick = RATE / 10;
  const started = Date.now();
  let sent = 0;
  const sampler = setInterval(() => void lag().then((l) => lags.push(l)), 1000);
  for (let tick = 0; sent < steadyEvents.length; tick++) {
    const due = started + tick * 100;
    if (due > Date.now()) await sleep(due - Date.now());
    await send(steadyEvents.slice(sent, sent + perTick));
    sent += perTick;
  }
  const producedSeconds = (Date.now() - started) / 1000;
  await drained(300_000);
  clearInterval(sampler);
  const steadySeconds = (Date.now() - started) / 1000;

  // 2. A backlog, produced at once.
  for (let i = 0; i < backlogEvents.length; i += 250) await send(backlogEvents.slice(i, i + 250));
  const backlogStart = Date.now();
  await drained(600_000);
  const backlogSeconds = (Date.now() - backlogStart) / 1000;

  // 3. Queries: every region of DKI Jakarta x (13 themes + all), uncached then cached.
  await sleep(3000); // the gateway's read model follows the compacted indicator topic
  const regions = ['ID', '31', ...catalogue.childrenOf('31'), ...catalogue.childrenOf('31').flatMap((r) => catalogue.childrenOf(r)), ...villages];
  const themes: Array<string | null> = [null, ...THEMES];
  const time = async (path: string) => {
    const t0 = performance.now();
    const res = await fetch(`${gateway}${path}`, { headers: { authorization: `Bearer ${adminKey}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return performance.now() - t0;
  };
  const cold: number[] = [];
  const warm: number[] = [];
  for (const pass of [cold, warm]) {
    for (const code of regions) for (const theme of themes) pass.push(await time(`/v1/regions/${code}/indicators${theme ? `?theme=${theme}` : ''}`));
  }
  const [{ counters }] = (await db.query(`select counters from aggregation.regions where region_code = 'ID'`)).rows;
  console.log(
    JSON.stringify(
      {
        machine: '2 cores (shared), one aggregation instance, 3 partitions',
        steady: { rate: RATE, events: steadyEvents.length, producedSeconds, caughtUpAfterSeconds: steadySeconds, lagSamples: lags.length, lagP50: pct(lags, 50), lagMax: Math.max(...lags), lagLast3: lags.slice(-3) },
        backlog: { events: BACKLOG, seconds: backlogSeconds, changesPerSecond: Math.round(BACKLOG / backlogSeconds) },
        queries: {
          regions: regions.length,
          variants: themes.length,
          uncachedMs: { p50: pct(cold, 50), p95: pct(cold, 95), p99: pct(cold, 99), max: pct(cold, 100) },
          cachedMs: { p50: pct(warm, 50), p95: pct(warm, 95), p99: pct(warm, 99), max: pct(warm, 100) },
        },
        families: counters.families,
        persons: counters.persons,
      },
      null,
      2,
    ),
  );
  await producer.disconnect();
  for (const child of services) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(kafkaSettings.topicPrefix));
  await admin.deleteTopics({ topics });
  await admin.disconnect();
  await db.end();
  await pg.query(`drop database "${runId}"`);
  await pg.end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
