import type { FamilyRecord } from '@satupintu/contracts';
import { officialRegions } from '@satupintu/domain';
import { BaseConfigSchema, parseConfig, withLocalStackCredentials } from '@satupintu/platform';
import { LocalKeyring } from '@satupintu/protection';
import { generateFamilies, toFamilyState } from '@satupintu/synthetic';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Throughput of the eligibility backfill against the real PostgreSQL (and Kafka for the publishing):
 * seeds N synthetic families into the eligibility service's family store of a scratch database,
 * then times (1) the first evaluation of all seven programmes and (2) a backfill for a new version
 * of one programme. Usage, with the local stack up:
 *   node -r ./tools/runtime/register-paths.js dist/tools/bench/eligibility-backfill.bench.js [families]
 */
const ROOT = join(__dirname, '..', '..', '..');
const count = Number(process.argv[2] ?? 50_000);
const config = parseConfig(BaseConfigSchema, withLocalStackCredentials());
const runId = `bench_${Date.now()}`;
const url = new URL(config.DATABASE_URL);
const admin = new Client({ connectionString: config.DATABASE_URL });
url.pathname = `/${runId}`;
const KEYRING = JSON.stringify(LocalKeyring.generate('bench'));


function eligibilityCli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), join(ROOT, 'dist/apps/eligibility/src/main.js'), ...args], {
    // A keyring of its own: the states are seeded in clear and sealed as the service rewrites them (docs/security.md).
    env: { ...process.env, DATABASE_URL: url.toString(), KAFKA_TOPIC_PREFIX: `${runId}.`, LOG_LEVEL: 'warn', PROTECTION_KEYRING: KEYRING, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`eligibility ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

async function main() {
  await admin.connect();
  await admin.query(`create database "${runId}"`);
  const db = new Client({ connectionString: url.toString() });
  await db.connect();
  try {
    eligibilityCli(['--migrate-only'], {});
    const villages = officialRegions().childrenOf('31.71.01').concat(officialRegions().childrenOf('31.72.01'));
    let persons = 0;
    for (let done = 0; done < count; done += 5000) {
      const { records } = generateFamilies({ count: Math.min(5000, count - done), villages, seed: 1000 + done, keyPrefix: `${runId}-${done}` });
      const states = records.map((r) => toFamilyState(r.family as FamilyRecord));
      persons += states.reduce((s, f) => s + f.members.length, 0);
      await db.query(
        `insert into eligibility.families (family_id, version, village_code, state, updated_at)
         select t.*, now() from unnest($1::uuid[], $2::int[], $3::text[], $4::jsonb[]) as t(family_id, version, village_code, state)`,
        [states.map((s) => s.familyId), states.map(() => 1), states.map((s) => s.address.villageCode), states.map((s) => JSON.stringify(s))],
      );
    }
    const first = JSON.parse(eligibilityCli(['backfill'], {}));
    const dir = mkdtempSync(join(tmpdir(), 'programmes-'));
    cpSync(join(ROOT, 'libs/domain/data/programmes'), dir, { recursive: true });
    const klj = JSON.parse(readFileSync(join(dir, 'klj.v1.json'), 'utf8'));
    klj.version = 2;
    klj.criteria[2].rule = { '<=': [{ var: 'family.welfareDecile' }, 5] };
    writeFileSync(join(dir, 'klj.v1.json'), JSON.stringify(klj));
    const dry = JSON.parse(eligibilityCli(['backfill', '--dry-run'], { ELIGIBILITY_PROGRAMMES_DIR: dir }));
    const second = JSON.parse(eligibilityCli(['backfill'], { ELIGIBILITY_PROGRAMMES_DIR: dir }));
    const rate = (r: { persons: number; seconds: number }) => Math.round(r.persons / r.seconds);
    console.log(
      JSON.stringify({
        families: count,
        persons,
        firstEvaluation: { seconds: first.seconds, personsPerSecond: rate(first), published: first.changes },
        dryRunNewVersion: { seconds: dry.seconds, personsPerSecond: rate(dry), wouldChange: dry.changes },
        backfillNewVersion: { seconds: second.seconds, personsPerSecond: rate(second), published: second.changes },
      }),
    );
  } finally {
    await db.end();
    await admin.query(`drop database if exists "${runId}" with (force)`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
