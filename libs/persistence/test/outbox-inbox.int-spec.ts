import { TOPICS } from '@satupintu/contracts';
import { encodeEvent, ensureTopics, EventProducer } from '@satupintu/kafka';
import { eventually, TestStack, TopicTap } from '@satupintu/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { claimInbox, createDataSource, enqueueOutbox, outboxAndInboxDdl, OutboxRelay, runMigrations } from '../src';

class ProbeSchema1700000000000 {
  name = 'ProbeSchema1700000000000';
  async up(q: { query: (sql: string) => Promise<unknown> }) {
    for (const ddl of outboxAndInboxDdl('probe')) await q.query(ddl);
  }
  async down() {}
}

const event = (familyId: string, version: number) => ({
  eventId: randomUUID(),
  occurredAt: new Date().toISOString(),
  recordId: randomUUID(),
  revision: version,
  familyId,
  familyVersion: version,
  changed: true,
});

/** Outbox relay and inbox against the real PostgreSQL and Kafka. */
describe('outbox and inbox', () => {
  const stack = new TestStack('outbox');
  let ds: DataSource;
  let producer: EventProducer;
  let tap: TopicTap<ReturnType<typeof event>>;

  beforeAll(async () => {
    await stack.setUp();
    ds = createDataSource({ url: stack.databaseUrl, schema: 'probe', applicationName: 'test', migrations: [ProbeSchema1700000000000] });
    await ds.initialize();
    expect(await runMigrations(ds, 'probe')).toEqual(['ProbeSchema1700000000000']);
    expect(await runMigrations(ds, 'probe')).toEqual([]);
    await ensureTopics(stack.kafka, stack.kafkaSettings, [TOPICS.submissionRegistered]);
    producer = new EventProducer(stack.kafka, stack.kafkaSettings);
    tap = await new TopicTap<ReturnType<typeof event>>(stack, TOPICS.submissionRegistered).start();
  });

  afterAll(async () => {
    await tap.stop();
    await producer.disconnect();
    await ds.destroy();
    await stack.tearDown();
  });

  const row = (e: ReturnType<typeof event>) => ({ topic: TOPICS.submissionRegistered, key: e.familyId, value: encodeEvent(TOPICS.submissionRegistered, e), headers: {} });

  it('publishes committed rows in order per key and deletes them; a rolled-back row is never published', async () => {
    const family = randomUUID();
    const events = Array.from({ length: 50 }, (_, i) => event(family, i + 1));
    await ds.transaction((m) => enqueueOutbox(m, 'probe', events.slice(0, 25).map(row)));
    const ghost = event(randomUUID(), 1);
    await ds
      .transaction(async (m) => {
        await enqueueOutbox(m, 'probe', [row(ghost)]);
        throw new Error('rollback');
      })
      .catch(() => undefined);
    await ds.transaction((m) => enqueueOutbox(m, 'probe', events.slice(25).map(row)));

    const relays = [new OutboxRelay(ds, producer, { schema: 'probe', batchSize: 7 }), new OutboxRelay(ds, producer, { schema: 'probe', batchSize: 7 })];
    relays.forEach((r) => r.start());
    await eventually(() => tap.messages.length >= 50);
    await Promise.all(relays.map((r) => r.stop()));

    expect(tap.messages.map((m) => m.value.familyVersion)).toEqual(events.map((e) => e.familyVersion));
    expect(tap.messages.some((m) => m.value.eventId === ghost.eventId)).toBe(false);
    expect((await ds.query('select count(*)::int as n from probe.outbox'))[0].n).toBe(0);
    // Only one relay held the schema's lock and published.
    expect(relays.map((r) => r.published).sort((a, b) => a - b)).toEqual([0, 50]);
  });

  it('claims each event id once across transactions and within one', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const first = await ds.transaction((m) => claimInbox(m, 'probe', [{ eventId: a, topic: 't' }, { eventId: a, topic: 't' }, { eventId: b, topic: 't' }]));
    expect([...first].sort()).toEqual([a, b].sort());
    const second = await ds.transaction((m) => claimInbox(m, 'probe', [{ eventId: a, topic: 't' }]));
    expect(second.size).toBe(0);
    // A claim rolled back with its transaction leaves the event unprocessed.
    const c = randomUUID();
    await ds
      .transaction(async (m) => {
        await claimInbox(m, 'probe', [{ eventId: c, topic: 't' }]);
        throw new Error('rollback');
      })
      .catch(() => undefined);
    expect((await ds.transaction((m) => claimInbox(m, 'probe', [{ eventId: c, topic: 't' }]))).has(c)).toBe(true);
  });
});
