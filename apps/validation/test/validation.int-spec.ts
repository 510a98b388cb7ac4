import { HEADERS, TOPICS, deadLetterTopic, type FamilyRejectedV1, type FamilyValidatedV1 } from '@satupintu/contracts';
import { encodeEvent } from '@satupintu/kafka';
import { eventually, family, produce, TestStack, TopicTap } from '@satupintu/testing';
import { randomUUID } from 'node:crypto';

const submitted = (fam: unknown) => ({
  eventId: randomUUID(),
  occurredAt: new Date().toISOString(),
  recordId: randomUUID(),
  revision: 1,
  idempotencyKey: randomUUID(),
  clientId: 'test',
  receivedAt: new Date().toISOString(),
  family: fam as Record<string, unknown>,
});

/** The validation service on the real broker: submitted records in, validated or rejected out. */
describe('validation service', () => {
  const stack = new TestStack('validation');
  let validated: TopicTap<FamilyValidatedV1>;
  let rejected: TopicTap<FamilyRejectedV1>;
  let dlq: TopicTap;

  beforeAll(async () => {
    await stack.setUp();
    await stack.start('validation');
    validated = await new TopicTap<FamilyValidatedV1>(stack, TOPICS.familyValidated).start();
    rejected = await new TopicTap<FamilyRejectedV1>(stack, TOPICS.familyRejected).start();
    dlq = await new TopicTap(stack, deadLetterTopic('validation')).start();
  });

  afterAll(async () => {
    await Promise.all([validated.stop(), rejected.stop(), dlq.stop()]);
    await stack.tearDown();
  });

  it('routes valid, warning and invalid families, dead-letters poison, and goes on', async () => {
    const good = submitted(family());
    const warned = family();
    warned.members[0].birthDate = '1970-03-13'; // differs from the NIK's date: a warning only
    const withWarning = submitted(warned);
    const bad = submitted({ ...family(), kk: 'not-a-kk' });
    const shapeless = submitted({ hello: 'world' });
    await produce(stack, TOPICS.familySubmitted, [
      { key: 'a', value: encodeEvent(TOPICS.familySubmitted, good), correlationId: 'corr-good' },
      { key: 'a', value: 'poison' },
      { key: 'a', value: encodeEvent(TOPICS.familySubmitted, withWarning) },
      { key: 'a', value: encodeEvent(TOPICS.familySubmitted, bad) },
      { key: 'a', value: encodeEvent(TOPICS.familySubmitted, shapeless) },
    ]);
    await eventually(() => validated.messages.length === 2 && rejected.messages.length === 2 && dlq.messages.length === 1);

    const v = new Map(validated.messages.map((m) => [m.value.recordId, m]));
    expect(v.get(good.recordId)?.value.warnings).toEqual([]);
    expect(v.get(good.recordId)?.key).toBe((good.family as { kk: string }).kk);
    expect(v.get(good.recordId)?.headers[HEADERS.correlationId]).toBe('corr-good');
    expect(v.get(withWarning.recordId)?.value.warnings.map((w) => w.code)).toEqual(['NIK_DATE_MISMATCH']);

    const r = new Map(rejected.messages.map((m) => [m.value.recordId, m.value]));
    expect(r.get(bad.recordId)?.errors.map((e) => [e.code, e.path])).toEqual([['KK_FORMAT', 'kk']]);
    expect(r.get(shapeless.recordId)?.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'UNKNOWN_FIELD', path: 'hello' }), expect.objectContaining({ code: 'SCHEMA_INVALID', path: 'kk' })]),
    );
    expect(dlq.messages[0].headers[HEADERS.errorCode]).toBe('MALFORMED_JSON');
  });

  it('derives output event ids from input ids, so a redelivered input is recognisable downstream', async () => {
    const again = submitted(family());
    await produce(stack, TOPICS.familySubmitted, [
      { key: 'b', value: encodeEvent(TOPICS.familySubmitted, again) },
      { key: 'b', value: encodeEvent(TOPICS.familySubmitted, again) },
    ]);
    const outputs = await eventually(() => {
      const mine = validated.messages.filter((m) => m.value.recordId === again.recordId);
      return mine.length === 2 ? mine : undefined;
    });
    expect(outputs[0].value.eventId).toBe(outputs[1].value.eventId);
  });
});
