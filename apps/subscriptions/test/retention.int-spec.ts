import { ROOT, TestStack } from '@satupintu/testing';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

/**
 * Retention of webhook bodies on the real PostgreSQL server: the subscriptions service's own
 * `retention` command, as its own database role, empties the bodies of deliveries past the period
 * that were delivered, given up or cancelled, and leaves pending ones and the rows themselves.
 */
describe('retention of webhook bodies', () => {
  const stack = new TestStack('webhook-retention');
  const DAY = 86_400_000;
  const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
  const BODY = JSON.stringify({ data: { family: { kk: '3171010101200001', members: [{ nik: '3171010101800001', name: 'Siti' }] } } });

  async function delivery(daysAgo: number, status: 'pending' | 'delivered' | 'dead' | 'cancelled'): Promise<void> {
    await stack.db.query(
      `insert into subscriptions.webhook_deliveries (delivery_id, agency_id, family_id, event_type, sequence, body, status, created_at, delivered_at, dead_at)
       values ($1, 'dinsos-test', $2, 'family.upserted', 1, $3, $4, $5, $6, $7)`,
      [randomUUID(), randomUUID(), BODY, status, ago(daysAgo + 1), status === 'delivered' ? ago(daysAgo) : null, status === 'dead' ? ago(daysAgo) : null],
    );
  }
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), join(ROOT, 'dist/apps/subscriptions/src/main.js'), 'retention', ...args], {
      env: stack.env('subscriptions', 0, { LOG_LEVEL: 'warn' }),
      encoding: 'utf8',
    });
  const bodies = async () => (await stack.db.query(`select status, (body <> '') as kept from subscriptions.webhook_deliveries order by id`)).rows;

  beforeAll(async () => {
    await stack.setUp();
    await stack.start('subscriptions'); // its migrations create the tables
    await stack.stop('subscriptions'); // its delivery loop would give up the made-up pending delivery meanwhile
    await delivery(400, 'delivered'); // past the period: emptied
    await delivery(400, 'dead'); // given up long ago: emptied
    await delivery(400, 'cancelled'); // cancelled (grant revoked): emptied
    await delivery(400, 'pending'); // still to deliver: kept whatever its age
    await delivery(10, 'delivered'); // recent: kept
  });
  afterAll(() => stack.tearDown());

  it('counts in a dry run, empties only bodies past the period, keeps the rows, and a second run finds nothing', async () => {
    const dry = run(['--dry-run']);
    expect(dry.status).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ days: 365, dryRun: true, purged: { webhookBodies: 3 } });
    expect((await bodies()).every((b) => b.kept)).toBe(true);

    const done = run([]);
    expect(done.status).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ dryRun: false, purged: { webhookBodies: 3 } });
    expect(await bodies()).toEqual([
      { status: 'delivered', kept: false },
      { status: 'dead', kept: false },
      { status: 'cancelled', kept: false },
      { status: 'pending', kept: true },
      { status: 'delivered', kept: true },
    ]);
    expect(JSON.parse(run([]).stdout).purged).toEqual({ webhookBodies: 0 });
    expect(JSON.parse(run(['--days', '5']).stdout).purged).toEqual({ webhookBodies: 1 });
    const bad = run(['--days', 'forever']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('whole number of days');
  });
});
