import { TOPICS, type EligibilityDecisionChangedV1 } from '@satupintu/contracts';
import { encodeEvent } from '@satupintu/kafka';
import { eventually, familyChanged, familyState, produce, TestStack, TopicTap, yearsAgo } from '@satupintu/testing';

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
  const klj = () => decisions.messages.filter((m) => m.value.programmeId === 'klj');

  it('publishes what became eligible, flips one decision on a change, and publishes nothing on a replay', async () => {
    // A Jakarta family in desil 2: the head turns 60 today, the other member tomorrow.
    const v1 = { ...familyState('31.71.01.1001', [yearsAgo(60), yearsAgo(60, 1)]), attributes: { welfareDecile: 2 } };
    const created = familyChanged(null, v1);
    await send([created]);
    // The head's elderly card, and for the family food aid (desil <= 4) and PKH (desil <= 3, an elderly member).
    await eventually(() => decisions.messages.length === 3);
    expect(decisions.messages.map((m) => [m.value.programmeId, m.value.personId, m.value.eligible]).sort()).toEqual(
      [
        ['bpnt', null, true],
        ['klj', v1.members[0].personId, true],
        ['pkh', null, true],
      ].sort(),
    );
    expect(klj()[0].value).toEqual(expect.objectContaining({ previouslyEligible: null, familyId: v1.familyId, targetUnit: 'person' }));
    // The second member's "not eligible" is stored, not published.
    const stored = await stack.db.query(`select eligible, failed from eligibility.decisions where subject_id = $1 and programme_id = 'klj'`, [v1.members[1].personId]);
    expect(stored.rows).toEqual([{ eligible: false, failed: ['aged-60-plus'] }]);

    // A correction of the second member's birth date by one day flips exactly one decision.
    const v2 = { ...v1, version: 2, members: [v1.members[0], { ...v1.members[1], birthDate: yearsAgo(60) }] };
    const corrected = familyChanged(v1, v2);
    await send([corrected]);
    await eventually(() => decisions.messages.length === 4);
    expect(decisions.messages[3].value).toEqual(expect.objectContaining({ programmeId: 'klj', personId: v1.members[1].personId, eligible: true, previouslyEligible: false }));
    expect(decisions.messages[3].key).toBe(v1.familyId);

    // Replaying both events publishes nothing more; nor does a change that does not touch eligibility.
    await send([created, corrected]);
    const again = { ...v2, version: 3, address: { ...v2.address, rt: '005' } };
    await send([familyChanged(v2, again)]);
    await eventually(async () => (await processed()) === 3);
    expect(decisions.messages).toHaveLength(4);
  });
});
