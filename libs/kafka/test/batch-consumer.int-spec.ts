import { HEADERS, TOPICS, deadLetterTopic, type SubmissionRegisteredV1 } from '@satupintu/contracts';
import { createLogger } from '@satupintu/observability';
import { eventually, produce, TestStack, TopicTap } from '@satupintu/testing';
import { randomUUID } from 'node:crypto';
import { BatchConsumer, encodeEvent, ensureTopics, EventProducer, type ConsumedEvent } from '../src';

const registered = (changed = true): SubmissionRegisteredV1 => ({
  eventId: randomUUID(),
  occurredAt: new Date().toISOString(),
  recordId: randomUUID(),
  revision: 1,
  familyId: randomUUID(),
  familyVersion: 1,
  changed,
});

/** The batch consumer against the real broker: boundary validation, retries, dead letters. */
describe('BatchConsumer on real Kafka', () => {
  const stack = new TestStack('kafka');
  const group = 'probe';
  let producer: EventProducer;
  let consumer: BatchConsumer | undefined;
  let dlq: TopicTap;

  beforeAll(async () => {
    await stack.setUp();
    await ensureTopics(stack.kafka, stack.kafkaSettings, [TOPICS.submissionRegistered, deadLetterTopic(group)]);
    producer = new EventProducer(stack.kafka, stack.kafkaSettings);
    dlq = await new TopicTap(stack, deadLetterTopic(group)).start();
  });

  const consumerWith = (handler: (events: ConsumedEvent[]) => Promise<void>) =>
    new BatchConsumer(
      stack.kafka,
      stack.kafkaSettings,
      producer,
      { groupId: group, retryBaseMs: 10, handlers: new Map([[TOPICS.submissionRegistered, handler]]) },
      createLogger('test', 'silent'),
    );

  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
  });

  afterAll(async () => {
    await dlq.stop();
    await producer.disconnect();
    await stack.tearDown();
  });

  it('dead-letters poison messages and a message that always fails, and processes the rest', async () => {
    const seen: string[] = [];
    const poisonOf = new Set<string>();
    const good = [registered(), registered(), registered()];
    const failing = registered(false);
    consumer = consumerWith(async (events) => {
      if (events.some((e) => !(e.value as SubmissionRegisteredV1).changed)) throw new TypeError('cannot handle');
      seen.push(...events.map((e) => (e.value as SubmissionRegisteredV1).eventId));
    });
    await consumer.start();
    const key = 'family-1'; // one partition, so the batch holds all of them in order
    await produce(stack, TOPICS.submissionRegistered, [
      { key, value: encodeEvent(TOPICS.submissionRegistered, good[0]) },
      { key, value: '{not json' },
      { key, value: JSON.stringify({ ...good[1], familyVersion: 'x' }) },
      { key, value: encodeEvent(TOPICS.submissionRegistered, failing) },
      { key, value: encodeEvent(TOPICS.submissionRegistered, good[1]) },
      { key, value: encodeEvent(TOPICS.submissionRegistered, good[2]) },
    ]);
    poisonOf.add('MALFORMED_JSON').add('SCHEMA_MISMATCH').add('HANDLER_FAILED');

    await eventually(() => seen.length === 3 && dlq.messages.length === 3);
    expect(seen.sort()).toEqual(good.map((g) => g.eventId).sort());
    expect(new Set(dlq.messages.map((m) => m.headers[HEADERS.errorCode]))).toEqual(poisonOf);
    const handlerFailed = dlq.messages.find((m) => m.headers[HEADERS.errorCode] === 'HANDLER_FAILED')!;
    expect((handlerFailed.value as SubmissionRegisteredV1).eventId).toBe(failing.eventId);
    expect(handlerFailed.headers[HEADERS.error]).toBe('TypeError');
    expect(handlerFailed.headers[HEADERS.sourceTopic]).toBe(TOPICS.submissionRegistered);
    expect(consumer.stats.deadLettered).toBe(3);
  });

  it('retries a batch that fails with a transient error instead of dead-lettering it', async () => {
    let attempts = 0;
    const done: string[] = [];
    consumer = consumerWith(async (events) => {
      attempts += 1;
      if (attempts <= 4) throw Object.assign(new Error('database unavailable'), { code: 'ECONNREFUSED' });
      done.push(...events.map((e) => (e.value as SubmissionRegisteredV1).eventId));
    });
    const dlqBefore = dlq.messages.length;
    await consumer.start();
    const event = registered();
    await produce(stack, TOPICS.submissionRegistered, [{ key: 'family-2', value: encodeEvent(TOPICS.submissionRegistered, event) }]);
    await eventually(() => done.includes(event.eventId), 90_000);
    expect(attempts).toBeGreaterThan(4);
    expect(dlq.messages.length).toBe(dlqBefore);
  });

  it('sends a batch far larger than the broker takes in one request, in order, every message once', async () => {
    // 1,500 events of ~2 KB to one key: 3 MB, three times the broker's message.max.bytes (1 MiB) for one partition.
    const tap = await new TopicTap<SubmissionRegisteredV1 & { pad: string }>(stack, TOPICS.submissionRegistered).start();
    const key = `large-${randomUUID()}`;
    const received = () => tap.messages.filter((m) => m.key === key);
    const events = Array.from({ length: 1500 }, () => ({ ...registered(), pad: 'x'.repeat(2000) }));
    await producer.send(events.map((e) => ({ topic: TOPICS.submissionRegistered, key, value: JSON.stringify(e) })));
    await eventually(() => received().length >= events.length, 60_000);
    await tap.stop();
    expect(received().map((m) => m.value.eventId)).toEqual(events.map((e) => e.eventId));
  });
});
