import { TOPICS, type EligibilityDecisionChangedV1 } from '@satupintu/contracts';
import { todayIn } from '@satupintu/domain';
import { encodeEvent } from '@satupintu/kafka';
import { eventually, familyChanged, familyState, produce, TestStack, TopicTap } from '@satupintu/testing';

const yearsAgo = (years: number, days = 0) => {
  const [y, m, d] = todayIn().split('-').map(Number);
  const date = new Date(Date.UTC(y - years, m - 1, d + days));
  return date.toISOString().slice(0, 10);
};

/** The eligibility service on the real stack: a decision event only when a decision changes. */
describe('eligibility service', () => {
  const stack = new TestStack('eligibility');
  let decisions: TopicTap<EligibilityDecisionChangedV1>;

  beforeAll(async () => {
    await stack.setUp();
    await stack.start('eligibility');
    decisions = await new TopicTap<EligibilityDecisionChangedV1>(stack, TOPICS.eligibilityDecisionChanged).start();
  });

  afterAll(async () => {
    await decisions.stop();
    await stack.tearDown();
  });

  const send = (events: ReturnType<typeof familyChanged>[]) =>
    produce(stack, TOPICS.familyChanged, events.map((e) => ({ key: e.familyId, value: encodeEvent(TOPICS.familyChanged, e) })));
  const processed = async () => (await stack.db.query('select count(*)::int as n from eligibility.inbox')).rows[0].n as number;

  it('decides each member once, flips one decision on a change, and publishes nothing on a replay', async () => {
    // The head turns 60 today; the other member turns 60 tomorrow.
    const v1 = familyState('31.01.01.1001', [yearsAgo(60), yearsAgo(60, 1)]);
    const created = familyChanged(null, v1);
    await send([created]);
    await eventually(() => decisions.messages.length === 2);
    const byPerson = new Map(decisions.messages.map((m) => [m.value.personId, m.value]));
    expect(byPerson.get(v1.members[0].personId)).toEqual(expect.objectContaining({ eligible: true, previouslyEligible: null, familyId: v1.familyId }));
    expect(byPerson.get(v1.members[1].personId)).toEqual(expect.objectContaining({ eligible: false }));

    // A correction of the second member's birth date by one day flips exactly one decision.
    const v2 = { ...v1, version: 2, members: [v1.members[0], { ...v1.members[1], birthDate: yearsAgo(60) }] };
    const corrected = familyChanged(v1, v2);
    await send([corrected]);
    await eventually(() => decisions.messages.length === 3);
    expect(decisions.messages[2].value).toEqual(expect.objectContaining({ personId: v1.members[1].personId, eligible: true, previouslyEligible: false }));
    expect(decisions.messages[2].key).toBe(v1.familyId);

    // Replaying both events publishes nothing more.
    await send([created, corrected]);
    await eventually(async () => (await processed()) === 2 && true);
    const again = { ...v2, version: 3, address: { ...v2.address, rt: '005' } };
    await send([familyChanged(v2, again)]); // a change that does not affect eligibility
    await eventually(async () => (await processed()) === 3);
    expect(decisions.messages).toHaveLength(3);
  });
});
