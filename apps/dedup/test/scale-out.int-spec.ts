import { TOPICS } from '@satupintu/contracts';
import { physicalName } from '@satupintu/kafka';
import { generateFamilies } from '@satupintu/synthetic';
import { eventually, parsePrometheus, submitInChunks, TestStack, total } from '@satupintu/testing';
import { expectRegisteredOnce } from './registered-once';
import { readFileSync } from 'node:fs';

const N = 4000;

/**
 * Scaling dedup out and in while a large batch flows: a second and a third instance join the
 * consumer group, then one leaves gracefully (SIGTERM) and one dies (SIGKILL). Every family is
 * registered exactly once and the run finishes on the last instance.
 */
describe('dedup scaled out and in during a large batch', () => {
  const stack = new TestStack('scale');
  const drain = { SHUTDOWN_DRAIN_MS: '1500' };

  beforeAll(async () => {
    await stack.setUp();
    await stack.start('gateway');
    await stack.start('validation');
    await stack.start('dedup', { extraEnv: drain });
  });

  afterAll(() => stack.tearDown());

  const count = async () => Number((await stack.db.query('select count(*) from registry.families').catch(() => ({ rows: [{ count: 0 }] }))).rows[0].count);
  const consumed = async (key: string) => total(parsePrometheus(await (await fetch(`${stack.services.get(key)!.url}/metrics`)).text()), 'satupintu_consumer_messages_total', { topic: TOPICS.familyValidated });
  const members = async () => {
    const admin = stack.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([physicalName(stack.kafkaSettings, 'dedup')]);
      return { state: groups[0].state, members: groups[0].members.length };
    } finally {
      await admin.disconnect();
    }
  };

  it('registers every family exactly once', async () => {
    const gateway = stack.services.get('gateway')!.url;
    const { records, truth } = generateFamilies({ count: N, villages: ['31.71.01.1001', '31.71.01.1002', '31.71.02.1001', '31.71.03.1001'], seed: 2026 });
    const expectedPersons = truth.reduce((s, t) => s + t.members, 0);
    // A steady flow of about 40 s (200 families every 2 s), so that every step happens mid-run.
    const posting = submitInChunks(gateway, records, 200, 2_000);

    // Scale out: two more instances join the group while families flow.
    await eventually(async () => (await count()) >= 300, 120_000, 20);
    await Promise.all([stack.start('dedup', { instance: 'dedup-2', extraEnv: drain }), stack.start('dedup', { instance: 'dedup-3', extraEnv: drain })]);
    await eventually(async () => {
      const g = await members();
      return g.members === 3 && g.state === 'Stable';
    }, 60_000, 250);
    await eventually(async () => (await consumed('dedup-2')) > 0 && (await consumed('dedup-3')) > 0, 120_000, 250);

    // Scale in gracefully: readiness turns false first, the batch in hand is committed, the instance leaves the group.
    const first = stack.services.get('dedup')!;
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => first.process.once('exit', (code, signal) => resolve({ code, signal })));
    const atTerm = await count();
    const signalled = Date.now();
    first.process.kill('SIGTERM');
    const during = await eventually(async () => {
      const res = await fetch(`${first.url}/health/ready`);
      return res.status === 503 ? ((await res.json()) as { stopping: boolean }) : undefined;
    }, 1_500, 20);
    expect(during.stopping).toBe(true);
    const { code, signal } = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(30_000);
    // Its last words reach the log file through a pipe, possibly after the exit event.
    await eventually(() => /"msg":"stopped"/.test(readFileSync(first.logFile, 'utf8')), 5_000, 50);
    stack.services.delete('dedup');
    // It left the group: the two others hold every partition well before its session (15 s) would expire.
    await eventually(async () => {
      const g = await members();
      return g.members === 2 && g.state === 'Stable';
    }, 12_000, 250);

    // Then one instance dies without warning.
    await eventually(async () => (await count()) >= atTerm + 300, 120_000, 20);
    const atKill = await count();
    await stack.stop('dedup-2', 'SIGKILL');
    expect(await posting).toBe(N);
    expect(atTerm).toBeLessThan(N); // both stops happened with work still flowing
    expect(atKill).toBeLessThan(N);

    // The last instance finishes the run.
    await expectRegisteredOnce(stack, N, expectedPersons);
    expect(await consumed('dedup-3')).toBeGreaterThan(0);
    const q = async (sql: string) => Number((await stack.db.query(sql)).rows[0].n);
    await eventually(async () => (await q('select count(*) as n from registry.outbox')) === 0, 30_000);
  }, 600_000);
});
