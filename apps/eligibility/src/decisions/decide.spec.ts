import { evaluateFamily, loadProgrammes, whoGrowthTables, type Decision } from '@satupintu/domain';
import { familyState } from '@satupintu/testing';
import fc from 'fast-check';
import { failedCriteria, isChange, needsWrite, subjectOf, type StoredDecision } from './decide';

const decision = (eligible: boolean, failed: string[] = []): Decision => ({
  programmeId: 'klj',
  programmeVersion: 1,
  personId: null,
  familyId: '00000000-0000-4000-8000-000000000001',
  eligible,
  criteria: [
    { criterion: 'aged-60-plus', value: 61, passed: !failed.includes('aged-60-plus') },
    { criterion: 'low-welfare', value: 3, passed: !failed.includes('low-welfare') },
  ],
});

describe('decision changes', () => {
  it('publishes a first decision only when it is eligible, but stores it either way', () => {
    expect(isChange(decision(true), undefined)).toBe(true);
    expect(isChange(decision(false, ['low-welfare']), undefined)).toBe(false);
    expect(needsWrite(decision(false, ['low-welfare']), undefined)).toBe(true);
  });

  it('publishes flips and changed reasons, nothing else', () => {
    expect(isChange(decision(true), { eligible: true, failed: [] })).toBe(false);
    expect(isChange(decision(false, ['aged-60-plus']), { eligible: true, failed: [] })).toBe(true);
    expect(isChange(decision(false, ['aged-60-plus']), { eligible: false, failed: ['low-welfare'] })).toBe(true);
    expect(isChange(decision(false, ['low-welfare']), { eligible: false, failed: ['low-welfare'] })).toBe(false);
  });

  it('keys a family-level decision by the family', () => {
    expect(subjectOf(decision(true))).toBe('00000000-0000-4000-8000-000000000001');
  });
});

describe('stored decisions after a stream of changes', () => {
  const programmes = loadProgrammes();
  const growth = whoGrowthTables();
  const ON = '2026-11-23';
  const personIds = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c'];
  const familyId = '00000000-0000-4000-8000-0000000000ff';
  const arbVersion = fc.record({
    births: fc.array(fc.date({ min: new Date('1930-01-01'), max: new Date('2026-11-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), { minLength: 3, maxLength: 3 }),
    desil: fc.integer({ min: 1, max: 10 }),
    village: fc.constantFrom('31.71.01.1001', '32.01.01.2001'),
  });
  const state = (v: { births: string[]; desil: number; village: string }) => ({ ...familyState(v.village, v.births, familyId, personIds), attributes: { welfareDecile: v.desil } });

  /** What the decision store holds after applying the states in order (the consumer's rule). */
  const replay = (versions: Array<{ births: string[]; desil: number; village: string }>) => {
    const store = new Map<string, StoredDecision>();
    for (const v of versions) {
      for (const d of evaluateFamily(state(v), programmes, ON, growth)) {
        const key = `${subjectOf(d)}|${d.programmeId}`;
        if (needsWrite(d, store.get(key))) store.set(key, { eligible: d.eligible, failed: failedCriteria(d.criteria) });
      }
    }
    return store;
  };

  it('depends only on the last state, whatever came before and in whatever order', () => {
    fc.assert(
      fc.property(fc.array(arbVersion, { minLength: 1, maxLength: 6 }), arbVersion, fc.integer({ min: 1, max: 1000 }), (earlier, last, seed) => {
        const shuffled = [...earlier].sort((a, b) => ((a.desil * seed) % 11) - ((b.desil * seed) % 11));
        const expected = replay([last]);
        expect(replay([...earlier, last])).toEqual(expected);
        expect(replay([...shuffled, last])).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
