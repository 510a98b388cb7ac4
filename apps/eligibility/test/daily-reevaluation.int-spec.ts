import { TOPICS, type EligibilityDecisionChangedV1, type EligibilityFamilyDecisionsV1 } from '@satupintu/contracts';
import { todayIn } from '@satupintu/domain';
import { encodeEvent } from '@satupintu/kafka';
import { eventually, familyChanged, familyState, produce, TestStack, TopicTap, yearsAgo } from '@satupintu/testing';

/**
 * The daily re-evaluation on the real stack: a decision made yesterday (the head was 59) flips today
 * without any registry change, exactly once, and the day's run is not repeated.
 */
describe('daily eligibility re-evaluation', () => {
  const stack = new TestStack('daily');
  let changes: TopicTap<EligibilityDecisionChangedV1>;
  let families: TopicTap<EligibilityFamilyDecisionsV1>;

  beforeAll(async () => {
    await stack.setUp();
    await stack.start('eligibility', { extraEnv: { ELIGIBILITY_REEVALUATION_CHECK_SECONDS: '5' } });
    changes = await new TopicTap<EligibilityDecisionChangedV1>(stack, TOPICS.eligibilityDecisionChanged).start();
    families = await new TopicTap<EligibilityFamilyDecisionsV1>(stack, TOPICS.eligibilityFamilyDecisions).start();
  });

  afterAll(async () => {
    await changes.stop();
    await families.stop();
    await stack.tearDown();
  });

  it("flips the decision of someone who turned 60 since yesterday's evaluation, once", async () => {
    const today = todayIn();
    await eventually(async () => (await stack.db.query('select 1 from eligibility.daily_runs where evaluated_on = $1 and finished_at is not null', [today])).rowCount === 1);
    const state = { ...familyState('31.71.01.1001', [yearsAgo(60), yearsAgo(30)]), attributes: { welfareDecile: 2 } };
    const head = state.members[0].personId;
    await produce(stack, TOPICS.familyChanged, [{ key: state.familyId, value: encodeEvent(TOPICS.familyChanged, familyChanged(null, state)) }]);
    await eventually(() => changes.messages.some((m) => m.value.personId === head && m.value.programmeId === 'klj'));
    const published = changes.messages.length;
    const told = families.messages.length;

    // As yesterday's evaluation left it: the head was 59, not eligible; today's run has not happened.
    await stack.db.query(
      `update eligibility.decisions set eligible = false, failed = '["aged-60-plus"]', evaluated_on = $2,
         criteria = jsonb_set(criteria, '{0}', '{"criterion":"aged-60-plus","value":59,"passed":false}')
       where subject_id = $1 and programme_id = 'klj'`,
      [head, yearsAgo(0, -1)],
    );
    await stack.db.query('delete from eligibility.daily_runs where evaluated_on = $1', [today]);

    await eventually(async () => (await stack.db.query('select 1 from eligibility.daily_runs where evaluated_on = $1 and finished_at is not null', [today])).rowCount === 1);
    await eventually(() => changes.messages.length === published + 1);
    expect(changes.messages[published].value).toEqual(expect.objectContaining({ personId: head, programmeId: 'klj', eligible: true, previouslyEligible: false, evaluatedOn: today }));
    await eventually(() => families.messages.length === told + 1);
    expect(families.messages[told].value.decisions.find((d) => d.personId === head && d.programmeId === 'klj')).toEqual(expect.objectContaining({ eligible: true }));

    // Later checks the same day find the day done: nothing more is evaluated or published.
    await new Promise((r) => setTimeout(r, 12_000));
    expect(changes.messages).toHaveLength(published + 1);
    const [{ report }] = (await stack.db.query('select report from eligibility.daily_runs where evaluated_on = $1', [today])).rows;
    expect(report).toEqual(expect.objectContaining({ families: 1, persons: 2, changes: { 'became-eligible': 1, 'no-longer-eligible': 0, 'reason-changed': 0 } }));
  });
});
