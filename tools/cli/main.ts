import { createKafka } from '@satupintu/kafka';
import { createLogger } from '@satupintu/observability';
import { BaseConfigSchema, kafkaSettingsOf, parseConfig, withLocalStackCredentials } from '@satupintu/platform';
import { todayIn } from '@satupintu/domain';
import { generateFamilies } from '@satupintu/synthetic';
import { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { parse } from 'csv-parse/sync';
import { registerAccessCommands } from './access-commands';
import { registerImportCommand } from './import-command';
import { ofServiceInstances, peakMemoryMiB, stageProfile, takeSnapshot } from './stage-profile';
import { migrateAll, registerDatabaseCommands, registerOpsCommands } from './ops-commands';
import { registerSubscriptionCommands } from './subscription-commands';
import { defineCampaign, gatewayRequest, postAtRate, postInBatches, regionCounts } from './gateway-client';
import { linkLists, trainRegistryModel, writeSampleLists } from './link-lists';
import { pipelineDrained } from './pipeline-progress';
import { villagesUnder } from './region-villages';

const ROOT = join(__dirname, '..', '..', '..');
const SERVICES = ['gateway', 'validation', 'dedup', 'aggregation', 'eligibility', 'subscriptions'];
const config = parseConfig(BaseConfigSchema, withLocalStackCredentials());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const program = new Command().name('satupintu').description('SatuPintu command-line tool');

program
  .command('generate')
  .description('write synthetic families (JSONL) and their ground truth beside them')
  .option('-n, --count <n>', 'families', '1000')
  .option('-r, --region <code>', 'region to place them in', '31.01')
  .option('-s, --seed <n>', 'random seed', '1')
  .option('--duplicates <rate>', 'share of resubmitted families', '0.05')
  .option('--errors <rate>', 'share of invalid families', '0.03')
  .option('-o, --out <file>', 'output file', 'artifacts/families.jsonl')
  .action((o) => {
    const { records, truth } = generateFamilies({
      count: Number(o.count),
      villages: villagesUnder(o.region),
      seed: Number(o.seed),
      duplicateRate: Number(o.duplicates),
      errorRate: Number(o.errors),
    });
    mkdirSync(join(o.out, '..'), { recursive: true });
    writeFileSync(o.out, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(o.out.replace(/\.jsonl$/, '') + '.truth.jsonl', truth.map((t) => JSON.stringify(t)).join('\n') + '\n');
    console.log(`wrote ${records.length} records to ${o.out} and the ground truth beside it`);
  });

program
  .command('demo-data')
  .description('load synthetic families of a region through the gateway and wait until they are registered')
  .option('-n, --count <n>', 'families', '3000')
  .option('-r, --region <code>', 'region', '31.01')
  .option('-s, --seed <n>', 'random seed', '2026')
  .option('-g, --gateway <url>', 'gateway URL', 'http://127.0.0.1:3000')
  .action(async (o) => {
    const { records, truth } = generateFamilies({
      count: Number(o.count),
      villages: villagesUnder(o.region),
      seed: Number(o.seed),
      duplicateRate: 0.03,
      errorRate: 0.02,
      keyPrefix: `demo-${o.seed}`,
    });
    const families = new Set(truth.filter((t) => t.expected === 'registered').map((t) => t.kk)).size;
    // A collection campaign over the demo region that began two weeks ago, with a target per village
    // a little above what the demo brings, so the dashboard's progress view has a target, a daily
    // curve, a coverage and villages behind. Each family is recorded on a day of those two weeks (the
    // cadre's app sends the day it was recorded: collectedOn), more of them as the campaign goes on.
    const villages = villagesUnder(o.region);
    const today = todayIn('Asia/Jakarta');
    const day = (offset: number) => new Date(Date.parse(today) + offset * 86_400_000).toISOString().slice(0, 10);
    const DAYS = 14;
    const end = day(30);
    let state = Number(o.seed) >>> 0 || 1;
    const random = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    for (const r of records as Array<{ collectedOn?: string }>) r.collectedOn = day(-Math.floor(DAYS * (1 - Math.sqrt(random()))));
    const perVillage = new Map<string, number>();
    for (const r of records) {
      const v = (r.family as { address?: { villageCode?: string } }).address?.villageCode;
      if (v) perVillage.set(v, (perVillage.get(v) ?? 0) + 1);
    }
    await defineCampaign(
      o.gateway,
      { id: 'pendataan-demo', name: 'Pendataan Keluarga (demo)', startsOn: day(-(DAYS - 1)), endsOn: end },
      villages.map((v, i) => ({ regionCode: v, families: Math.max(1, Math.round((perVillage.get(v) ?? 1) * (1.05 + (i % 4) * 0.1))) })),
    );
    await postInBatches(o.gateway, records, 250, 2);
    console.log(`submitted ${records.length} records (${families} distinct valid families); waiting for the registry...`);
    const dashboardKey = await demoAnalystKey(o.gateway, o.region);
    console.log(`dashboard sign-in key (analyst of ${o.region}) written to ${dashboardKey}`);
    const deadline = Date.now() + 180_000;
    for (;;) {
      const counts = await regionCounts(o.gateway, o.region);
      if (counts.families >= families) {
        console.log(`region ${o.region}: ${counts.families} families, ${counts.persons} persons registered`);
        return;
      }
      if (Date.now() > deadline) throw new Error(`only ${counts.families} of ${families} families registered after 180 s`);
      await sleep(1000);
    }
  });

program
  .command('campaign')
  .description('define a collection campaign (window) and load its targets from a CSV file (region_code,target_families)')
  .requiredOption('--id <id>', 'campaign id (lower-case letters, digits, dashes)')
  .requiredOption('--name <name>', 'campaign name')
  .requiredOption('--starts <date>', 'first day (YYYY-MM-DD)')
  .requiredOption('--ends <date>', 'last day (YYYY-MM-DD)')
  .option('--targets <file>', 'CSV with a header: region_code,target_families')
  .option('-g, --gateway <url>', 'gateway URL', 'http://127.0.0.1:3000')
  .action(async (o) => {
    const targets = o.targets
      ? (parse(readFileSync(o.targets, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Array<Record<string, string>>).map((r) => ({
          regionCode: r.region_code,
          families: Number(r.target_families),
        }))
      : undefined;
    await defineCampaign(o.gateway, { id: o.id, name: o.name, startsOn: o.starts, endsOn: o.ends }, targets);
    console.log(`campaign ${o.id} defined${targets ? ` with ${targets.length} targets` : ''}`);
  });

program
  .command('bench')
  .description('push N synthetic families through the running stack and report throughput, latency and memory')
  .option('-n, --count <n>', 'families', '5000')
  .option('-r, --region <code>', 'region', '31.71')
  .option('-b, --batch <n>', 'records per request', '250')
  .option('-c, --concurrency <n>', 'requests in flight', '4')
  .option('-g, --gateway <url>', 'gateway URL', 'http://127.0.0.1:3000')
  .option('--rate <families/s>', 'offer the families at this steady rate (latency under a sustainable load) instead of as fast as the gateway takes them')
  .option('--out <dir>', 'where to write the JSON report', 'artifacts')
  .action(async (o) => {
    const n = Number(o.count);
    const rate = o.rate === undefined ? null : Number(o.rate);
    if (rate !== null && !(rate > 0)) throw new Error('--rate must be a positive number of families per second');
    const runId = `bench-${Date.now()}`;
    const { records } = generateFamilies({ count: n, villages: villagesUnder(o.region), seed: Date.now() % 2 ** 31, keyPrefix: runId });
    const kafka = createKafka(kafkaSettingsOf(config, runId, 1), createLogger('bench', 'warn'));
    const admin = kafka.admin();
    await admin.connect();
    const db = new Client({ connectionString: config.DATABASE_URL });
    await db.connect();
    try {
      const localDir = process.env.SATUPINTU_LOCAL_DIR ?? join(ROOT, '.local');
      const before = await takeSnapshot(db, localDir, SERVICES);
      const started = Date.now();
      const outcomes = rate === null ? await postInBatches(o.gateway, records, Number(o.batch), Number(o.concurrency)) : await postAtRate(o.gateway, records, rate);
      const ids = outcomes.filter((r) => r.id).map((r) => r.id as string);
      const accepted = Date.now();
      let registered = 0;
      for (;;) {
        const res = await db.query(`select count(*)::int as n from gateway.submission_records where id = any($1::uuid[]) and status = 'registered'`, [ids]);
        registered = res.rows[0].n;
        if (registered === ids.length && (await pipelineDrained(admin, config.KAFKA_TOPIC_PREFIX))) break;
        if (Date.now() - started > 900_000) throw new Error(`timed out with ${registered}/${ids.length} registered`);
        await sleep(100);
      }
      const finished = Date.now();
      await sleep(1500); // PostgreSQL's table statistics reach the views within a second
      const profile = stageProfile(before, await takeSnapshot(db, localDir, SERVICES), n);
      const percentiles = `percentile_cont(0.5) within group (order by ms) as p50, percentile_cont(0.95) within group (order by ms) as p95, percentile_cont(0.99) within group (order by ms) as p99`;
      const lat = await db.query(
        `select ${percentiles}
           from (select extract(epoch from e.at - r.received_at) * 1000 as ms
                   from gateway.submission_records r join gateway.submission_events e on e.record_id = r.id and e.status = 'registered'
                  where r.id = any($1::uuid[])) x`,
        [ids],
      );
      // Received -> eligibility decided: the decision event's time, as the gateway's read model keeps it.
      const decided = await db.query(
        `select ${percentiles}
           from (select extract(epoch from ef.updated_at - r.received_at) * 1000 as ms
                   from gateway.submission_records r join gateway.eligibility_families ef on ef.family_id = r.family_id
                  where r.id = any($1::uuid[])) x`,
        [ids],
      );
      const ms = (row: { p50: number; p95: number; p99: number }) => ({ p50: Math.round(row.p50), p95: Math.round(row.p95), p99: Math.round(row.p99) });
      const report = {
        families: n,
        persons: records.reduce((s, r) => s + ((r.family as { members: unknown[] }).members?.length ?? 0), 0),
        submitSeconds: (accepted - started) / 1000,
        totalSeconds: (finished - started) / 1000,
        familiesPerSecond: Math.round(n / ((finished - started) / 1000)),
        offeredPerSecond: rate,
        latencyMs: ms(lat.rows[0]),
        receivedToDecidedMs: ms(decided.rows[0]),
        peakMemoryMiB: ofServiceInstances(join(localDir, 'run'), SERVICES, peakMemoryMiB),
        profile,
        at: new Date().toISOString(),
      };
      mkdirSync(o.out, { recursive: true });
      writeFileSync(join(o.out, `${runId}.json`), JSON.stringify(report, null, 2));
      console.log(JSON.stringify(report, null, 2));
    } finally {
      await admin.disconnect();
      await db.end();
    }
  });

program
  .command('migrate')
  .description('apply every service’s pending database migrations, then exit')
  .action(() => migrateAll({ root: ROOT, databaseUrl: config.DATABASE_URL, env: withLocalStackCredentials() as NodeJS.ProcessEnv }));

program
  .command('link')
  .description('link two legacy person lists (CSV), or deduplicate one: scored pairs, clusters and unreadable cells to a folder')
  .requiredOption('--left <file>', 'the first (or only) list')
  .option('--right <file>', 'the second list (omit to deduplicate --left)')
  .requiredOption('-m, --map <mapping>', 'columns: name=COL[,nik=COL,sex=COL,birthDate=COL,villageCode=COL,kk=COL,motherName=COL]')
  .option('--right-map <mapping>', 'columns of --right when they differ')
  .option('--id <column>', 'a row id column to name rows by (default: the line number)')
  .option('--merge-at <weight>', 'match weight (sum of log2 m/u) at or above which two rows are one person, as the registry (DEDUP_MERGE_AT); raised for a list so large that chance agreements weigh more (the summary says mergeAt)', '18')
  .option('--review-at <weight>', 'match weight at or above which a pair is listed for review (DEDUP_REVIEW_AT)', '12')
  .option('--encoding <name>', 'utf-8 or windows-1252 (latin-1); detected when omitted')
  .option('-o, --out <folder>', 'output folder', 'artifacts/linkage')
  .action((o) => {
    const summary = linkLists({ left: o.left, right: o.right, mapping: o.map, rightMapping: o.rightMap, idColumn: o.id, mergeAt: Number(o.mergeAt), reviewAt: Number(o.reviewAt), encoding: o.encoding, out: o.out });
    console.log(JSON.stringify(summary, null, 2));
  });

registerImportCommand(program);

program
  .command('sample-lists')
  .description('write two synthetic person lists (registry extract, agency list) and their truth, to try `link` on')
  .option('-n, --families <n>', 'families behind the lists', '2000')
  .option('-r, --region <code>', 'region', '31.71')
  .option('-s, --seed <n>', 'random seed', '7')
  .option('-o, --out <folder>', 'output folder', 'artifacts/lists')
  .action((o) => console.log(JSON.stringify(writeSampleLists(o.out, Number(o.families), villagesUnder(o.region), Number(o.seed)))));

program
  .command('train-person-model')
  .description('estimate the registry matcher\'s m/u parameters (EM) on synthetic lists and write them for the dedup service')
  .option('-n, --families <n>', 'families behind the training lists', '10000')
  .option('-s, --seed <n>', 'random seed', '7')
  .option('-o, --out <file>', 'output file', 'libs/matching/src/person-model.json')
  .action((o) => {
    const { parameters, report } = trainRegistryModel(Number(o.families), ['31.71', '31.72', '31.73', '32.01', '32.04', '35.78'].flatMap((r) => villagesUnder(r)), Number(o.seed));
    writeFileSync(o.out, `${JSON.stringify(parameters, null, 2)}\n`);
    console.log(JSON.stringify({ out: o.out, ...report }, null, 2));
  });

program
  .command('chaos')
  .description('fault trials on the local stack (tools/chaos/scenarios.json): lost, doubled, dead letters, HTTP 500 and recovery time per scenario')
  .argument('[scenarios...]', 'scenario names (default: all)')
  .option('-t, --trials <n>', 'trials per scenario', '3')
  .action((scenarios: string[], o: { trials: string }) => {
    const run = spawnSync(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), join(ROOT, 'dist/tools/chaos/chaos.js'), ...scenarios, '--trials', o.trials], { stdio: 'inherit' });
    process.exitCode = run.status ?? 1;
  });

/** An analyst of the demo region (created once) with a fresh API key, written to .local/secrets/dashboard.key. */
async function demoAnalystKey(gateway: string, region: string): Promise<string> {
  const label = `demo-analyst-${region.replace(/\./g, '-')}`;
  const { principals } = await gatewayRequest<{ principals: Array<{ id: string; label: string }> }>(gateway, 'GET', '/v1/admin/principals');
  const id = principals.find((p) => p.label === label)?.id
    ?? (await gatewayRequest<{ id: string }>(gateway, 'POST', '/v1/admin/principals', { label, kind: 'user', role: 'analyst', regions: [region] })).id;
  const { key } = await gatewayRequest<{ key: string }>(gateway, 'POST', `/v1/admin/principals/${id}/api-keys`, { label: 'dashboard demo' });
  const file = join(process.env.SATUPINTU_LOCAL_DIR ?? join(ROOT, '.local'), 'secrets', 'dashboard.key');
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return file;
}

registerAccessCommands(program);
registerSubscriptionCommands(program, () => kafkaSettingsOf(config, `cli-${process.pid}`), ROOT);
registerDatabaseCommands(program, { databaseUrl: config.DATABASE_URL, env: withLocalStackCredentials() as NodeJS.ProcessEnv });
registerOpsCommands(program, { kafkaSettings: () => kafkaSettingsOf(config, `ops-${process.pid}`), databaseUrl: config.DATABASE_URL, root: ROOT, env: withLocalStackCredentials() as NodeJS.ProcessEnv });

program.parseAsync().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
