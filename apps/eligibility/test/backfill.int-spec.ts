import { TOPICS, type EligibilityDecisionChangedV1 } from '@satupintu/contracts';
import { encodeEvent } from '@satupintu/kafka';
import { eventually, familyChanged, familyState, produce, ROOT, TestStack, TopicTap } from '@satupintu/testing';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new programme version on the real stack: dry run by region, then a backfill that publishes only changes. */
describe('eligibility backfill', () => {
  const stack = new TestStack('backfill');
  let decisions: TopicTap<EligibilityDecisionChangedV1>;
  const programmesV2 = mkdtempSync(join(tmpdir(), 'programmes-'));

  beforeAll(async () => {
    await stack.setUp();
    await stack.start('eligibility');
    decisions = await new TopicTap<EligibilityDecisionChangedV1>(stack, TOPICS.eligibilityDecisionChanged).start();
    // KLJ version 2 admits welfare decile 5 as well.
    cpSync(join(ROOT, 'libs/domain/data/programmes'), programmesV2, { recursive: true });
    const klj = JSON.parse(readFileSync(join(programmesV2, 'klj.v1.json'), 'utf8'));
    klj.version = 2;
    klj.criteria[2] = { id: 'low-welfare', description: 'Family welfare decile 1 to 5', rule: { '<=': [{ var: 'family.welfareDecile' }, 5] } };
    writeFileSync(join(programmesV2, 'klj.v1.json'), JSON.stringify(klj));
  });

  afterAll(async () => {
    await decisions.stop();
    await stack.tearDown();
  });

  const backfill = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), join(ROOT, 'dist/apps/eligibility/src/main.js'), 'backfill', ...args], {
      env: stack.env('eligibility', 0, { ELIGIBILITY_PROGRAMMES_DIR: programmesV2, LOG_LEVEL: 'warn' }),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout) as { dryRun: boolean; families: number; persons: number; changes: Record<string, number>; byRegion: Record<string, Record<string, number>>; programmes: Array<{ id: string; version: number }> };
  };

  it('reports the effect of a new version by region, applies it, and publishes only what changed', async () => {
    const desil5 = { ...familyState('31.71.01.1001', ['1950-01-01', '1955-01-01']), attributes: { welfareDecile: 5 } };
    const desil3 = { ...familyState('31.71.02.1001', ['1950-01-01']), attributes: { welfareDecile: 3 } };
    const outside = { ...familyState('32.01.01.2001', ['1950-01-01']), attributes: { welfareDecile: 5 } };
    await produce(stack, TOPICS.familyChanged, [desil5, desil3, outside].map((f) => ({ key: f.familyId, value: encodeEvent(TOPICS.familyChanged, familyChanged(null, f)) })));
    await eventually(async () => (await stack.db.query('select count(*)::int as n from eligibility.families')).rows[0].n === 3);
    // desil 3: the elderly card, food aid and PKH; desil 5 and West Java: nothing yet.
    await eventually(() => decisions.messages.length === 3);
    const before = (await stack.db.query('select subject_id, programme_id, eligible from eligibility.decisions order by 1, 2')).rows;

    const dry = backfill('--dry-run');
    expect(dry).toEqual(expect.objectContaining({ dryRun: true, families: 3, persons: 4 }));
    // Two elderly Jakartans in desil 5 become eligible; the West Javan still is not, but now fails
    // only for living outside Jakarta: a changed reason, which agencies are told about too.
    expect(dry.changes).toEqual({ 'became-eligible': 2, 'no-longer-eligible': 0, 'reason-changed': 1 });
    expect(dry.byRegion).toEqual({
      '31.71': { 'became-eligible': 2, 'no-longer-eligible': 0, 'reason-changed': 0 },
      '32.01': { 'became-eligible': 0, 'no-longer-eligible': 0, 'reason-changed': 1 },
    });
    expect(dry.programmes).toContainEqual({ id: 'klj', version: 2 });
    expect((await stack.db.query('select subject_id, programme_id, eligible from eligibility.decisions order by 1, 2')).rows).toEqual(before);
    expect((await stack.db.query(`select version from eligibility.programmes where id = 'klj' and active`)).rows).toEqual([{ version: 1 }]);

    const applied = backfill();
    expect(applied.changes).toEqual(dry.changes);
    await eventually(() => decisions.messages.length === 6);
    const news = decisions.messages.slice(3).map((m) => m.value);
    expect(news.map((d) => [d.programmeId, d.programmeVersion, d.personId, d.eligible, d.villageCode]).sort()).toEqual(
      [...desil5.members.map((m) => ['klj', 2, m.personId, true, '31.71.01.1001']), ['klj', 2, outside.members[0].personId, false, '32.01.01.2001']].sort(),
    );
    expect(news.find((d) => !d.eligible)?.criteria.filter((c) => !c.passed).map((c) => c.criterion)).toEqual(['jakarta-resident']);
    expect((await stack.db.query(`select version from eligibility.programmes where id = 'klj' and active`)).rows).toEqual([{ version: 2 }]);

    const again = backfill();
    expect(again.changes).toEqual({ 'became-eligible': 0, 'no-longer-eligible': 0, 'reason-changed': 0 });
    // A later change is evaluated with the new version by the running service.
    const moved = { ...desil3, version: 2, attributes: { welfareDecile: 5 } };
    await produce(stack, TOPICS.familyChanged, [{ key: desil3.familyId, value: encodeEvent(TOPICS.familyChanged, familyChanged(desil3, moved)) }]);
    // Food aid and PKH end (desil 5); KLJ v2 still holds; school aid and PBI-JKN now also fail on
    // welfare, a changed reason that is published too.
    await eventually(() => decisions.messages.length === 10);
    expect(decisions.messages.slice(6).map((m) => [m.value.programmeId, m.value.eligible, m.value.previouslyEligible]).sort()).toEqual([
      ['bpnt', false, true],
      ['kjp-plus', false, false],
      ['pbi-jkn', false, false],
      ['pkh', false, true],
    ]);
  });
});
