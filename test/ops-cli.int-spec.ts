import { HEADERS, TOPICS, type FamilyRecord } from '@satupintu/contracts';
import { encodeEvent } from '@satupintu/kafka';
import { generateFamilies } from '@satupintu/synthetic';
import { eventually, produce, ROOT, TestStack, TopicTap, validatedEvent } from '@satupintu/testing';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The operator's command-line tool against the real stack: lag, dead letters back, replay into one service. */
describe('satupintu ops', () => {
  const stack = new TestStack('ops');
  const ops = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), join(ROOT, 'dist/tools/cli/main.js'), 'ops', ...args], {
      env: { ...process.env, KAFKA_TOPIC_PREFIX: stack.prefix, DATABASE_URL: stack.databaseUrl, LOG_LEVEL: 'error' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, stderr: '' });
    return r.stdout;
  };
  const inbox = async () => Number((await stack.db.query('select count(*) as n from registry.inbox')).rows[0].n);

  beforeAll(async () => {
    await stack.setUp();
    await Promise.all([stack.start('validation'), stack.start('dedup')]);
  });
  afterAll(() => stack.tearDown());

  it('moves dead letters back to their topic once, and reports lag per service', async () => {
    const dlq = await new TopicTap(stack, 'dlq.validation.v1').start();
    try {
      await produce(stack, TOPICS.familySubmitted, [{ key: 'poison', value: '{"broken' }]);
      await eventually(() => dlq.messages.length === 1);
      expect(ops('dlq')).toMatch(/validation\s+dlq\.validation\.v1: 1 waiting/);
      expect(JSON.parse(ops('redrive', 'validation'))).toEqual({ service: 'validation', movedBack: 1 });
      // Still poison, so validation dead-letters it again; the copy that went back carries when it did.
      const again = await eventually(() => (dlq.messages.length === 2 ? dlq.messages[1] : undefined));
      expect(again.headers[HEADERS.redriven]).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(again.headers[HEADERS.errorCode]).toBe('MALFORMED_JSON');
      // Each dead letter goes back once: the first is done, the new one waits.
      expect(ops('dlq')).toMatch(/validation\s+dlq\.validation\.v1: 1 waiting/);
    } finally {
      await dlq.stop();
    }
    const lag = JSON.parse(ops('lag', 'validation', 'dedup', '--json')) as Array<{ service: string; members: number; lag: number; partitions: Array<{ topic: string }> }>;
    expect(lag.map((g) => [g.service, g.members, g.lag])).toEqual([
      ['validation', 1, 0],
      ['dedup', 1, 0],
    ]);
    expect(lag[0].partitions.map((p) => p.topic)).toContain(TOPICS.familySubmitted);
  }, 180_000);

  it('replays a range into dedup: its inbox forgets the events, it processes them again, nothing doubles', async () => {
    const families = generateFamilies({ count: 30, villages: ['31.71.01.1001'], seed: 5150 }).records.map((r) => r.family as FamilyRecord);
    await produce(
      stack,
      TOPICS.familyValidated,
      families.map((f) => {
        const e = validatedEvent(f);
        return { key: f.kk, value: encodeEvent(TOPICS.familyValidated, e) };
      }),
    );
    await eventually(async () => (await inbox()) === 30, 60_000);
    const lag = JSON.parse(ops('lag', 'dedup', '--json')) as Array<{ partitions: Array<{ topic: string; partition: number; end: number }> }>;
    const busiest = lag[0].partitions.filter((p) => p.topic === TOPICS.familyValidated).sort((a, b) => b.end - a.end)[0];
    const before = (await stack.db.query('select id, version from registry.families order by id')).rows;
    // As text: a JS Date would drop the microseconds, and a batch's rows share one timestamp.
    const mark = (await stack.db.query('select max(processed_at)::text as at from registry.inbox')).rows[0].at as string;

    const report = JSON.parse(ops('replay', 'dedup', '--topic', TOPICS.familyValidated, '--partition', String(busiest.partition), '--from', '0', '--to', String(busiest.end - 1)));
    expect(report).toMatchObject({ service: 'dedup', replayed: busiest.end, inboxEntriesForgotten: busiest.end });
    await eventually(async () => (await inbox()) === 30, 60_000);
    const processedAgain = Number((await stack.db.query('select count(*) as n from registry.inbox where processed_at > $1::timestamptz', [mark])).rows[0].n);
    expect(processedAgain).toBe(busiest.end);
    expect((await stack.db.query('select id, version from registry.families order by id')).rows).toEqual(before);
  }, 180_000);
});
