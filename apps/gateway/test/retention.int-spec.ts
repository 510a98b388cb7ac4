import { createDataSource } from '@satupintu/persistence';
import { ROOT, TestStack } from '@satupintu/testing';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { purgeExpired } from '../src/retention/retention';

/**
 * Retention on the gateway's real tables: payloads older than the period go (an import's uploaded
 * file, a DCI search request, a delivered callback body), newer ones and everything else stay; a dry
 * run counts without changing anything; a second run finds nothing; the ops command prints the same.
 */
describe('retention of submission payloads', () => {
  const stack = new TestStack('retention');
  let db: DataSource;
  const DAY = 86_400_000;
  const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

  async function importJob(finishedDaysAgo: number, state: string): Promise<string> {
    const id = randomUUID();
    await stack.db.query(
      `insert into gateway.import_jobs (id, principal_id, source, file_sha256, file_bytes, dry_run, options, table_info, state, created_at, updated_at, finished_at)
       values ($1, $2, 'dtks-test', $3, 10, false, '{}', '{}', $4, $5, $5, $6)`,
      [id, randomUUID(), randomUUID().replace(/-/g, '').padEnd(64, '0'), state, ago(finishedDaysAgo + 1), state === 'done' ? ago(finishedDaysAgo) : null],
    );
    for (const chunk of [0, 1]) await stack.db.query('insert into gateway.import_files (job_id, chunk, data) values ($1, $2, $3)', [id, chunk, Buffer.from('nik,nama\n3171010101800001,Siti\n')]);
    return id;
  }
  async function dci(daysAgo: number, state: 'delivered' | 'pending'): Promise<void> {
    await stack.db.query(
      `insert into gateway.dci_transactions (correlation_id, sender_id, transaction_id, action, requests, created_at) values ($1, 'sender-1', $2, 'search', $3, $4)`,
      [randomUUID(), randomUUID(), JSON.stringify([{ query: { nik: '3171010101800001' } }]), ago(daysAgo)],
    );
    await stack.db.query(
      `insert into gateway.dci_deliveries (sender_id, kind, url, message, state, created_at) values ('sender-1', 'on-search', 'http://127.0.0.1/cb', $1, $2, $3)`,
      [JSON.stringify({ nik: '3171010101800001' }), state, ago(daysAgo)],
    );
  }
  const counts = async () =>
    (await stack.db.query(
      `select (select count(*)::int from gateway.import_files) as files, (select count(*)::int from gateway.import_jobs) as jobs,
              (select count(*)::int from gateway.dci_transactions where requests <> '[]') as requests,
              (select count(*)::int from gateway.dci_deliveries where message is not null) as messages`,
    )).rows[0];

  beforeAll(async () => {
    await stack.setUp();
    await stack.start('gateway'); // its migrations create the tables
    db = createDataSource({ url: stack.databaseUrl, schema: 'gateway', applicationName: 'retention-test', migrations: [] });
    await db.initialize();
    await importJob(400, 'done'); // past the period: its file goes
    await importJob(10, 'done'); // recent: kept
    await importJob(400, 'running'); // still running (a stale lease): never purged under it
    await dci(400, 'delivered');
    await dci(400, 'pending'); // not delivered yet: its callback body is still needed
    await dci(10, 'delivered');
  });
  afterAll(async () => {
    await db?.destroy();
    await stack.tearDown();
  });

  it('counts in a dry run, purges only what is past the period, and a second run finds nothing', async () => {
    const start = await counts();
    expect(start).toEqual({ files: 6, jobs: 3, requests: 3, messages: 3 });
    const dry = await purgeExpired(db, { days: 365, dryRun: true });
    expect(dry.purged).toEqual({ importFiles: 2, dciRequests: 2, dciMessages: 1 });
    expect(await counts()).toEqual(start);

    const run = await purgeExpired(db, { days: 365, dryRun: false });
    expect(run.purged).toEqual({ importFiles: 2, dciRequests: 2, dciMessages: 1 });
    expect(await counts()).toEqual({ files: 4, jobs: 3, requests: 1, messages: 2 });
    expect((await purgeExpired(db, { days: 365, dryRun: false })).purged).toEqual({ importFiles: 0, dciRequests: 0, dciMessages: 0 });
  });

  it('runs as the gateway\'s command with a JSON report, and refuses a bad period', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), join(ROOT, 'dist/apps/gateway/src/main.js'), 'retention', ...args], {
        env: stack.env('gateway', 0, { LOG_LEVEL: 'warn' }),
        encoding: 'utf8',
      });
    const ok = run(['--dry-run', '--days', '5']);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ days: 5, dryRun: true, purged: { importFiles: 2, dciRequests: 1, dciMessages: 1 } });
    const bad = run(['--days', 'forever']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('whole number of days');
  });
});
