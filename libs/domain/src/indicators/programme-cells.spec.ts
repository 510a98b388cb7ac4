import fc from 'fast-check';
import { hiddenProgrammeCounts, programmeCounters, type CounterTable } from './small-cells';

const K = 5;
const PROGRAMMES = ['pkh', 'klj'];
type Counts = Record<string, { eligible: number; notEligible: number }>;
const row = (c: Counts) => Object.assign({}, ...PROGRAMMES.map((p) => programmeCounters(p, c[p])));
const total = (children: Counts[]): Counts => Object.fromEntries(PROGRAMMES.map((p) => [p, { eligible: children.reduce((s, c) => s + c[p].eligible, 0), notEligible: children.reduce((s, c) => s + c[p].notEligible, 0) }]));
const counts = fc.record(Object.fromEntries(PROGRAMMES.map((p) => [p, fc.record({ eligible: fc.nat({ max: 14 }), notEligible: fc.nat({ max: 14 }) })]))) as fc.Arbitrary<Counts>;
/** A region's children (1 to 6) and the region's own counts, their sum. */
const table = fc.array(counts, { minLength: 1, maxLength: 6 }).map((children) => ({ own: total(children), children }));
const tableOf = (t: { own: Counts; children: Counts[] }): CounterTable => ({ own: row(t.own), children: t.children.map(row) });
const small = (c: { eligible: number; notEligible: number }) => (c.eligible > 0 && c.eligible < K) || (c.eligible > 0 && c.notEligible > 0 && c.notEligible < K);

describe('small-cell suppression of eligibility counts', () => {
  it('hides every small count, and no hidden count follows from the region minus its visible children', () => {
    fc.assert(
      fc.property(table, (t) => {
        const hidden = hiddenProgrammeCounts(PROGRAMMES, tableOf(t), K);
        for (const p of PROGRAMMES) {
          if (small(t.own[p])) expect(hidden.own.has(p)).toBe(true);
          t.children.forEach((c, i) => small(c[p]) && expect(hidden.children[i].has(p)).toBe(true));
          // The region's count is published with its children's: one hidden child alone would be the difference.
          const hiddenChildren = t.children.filter((_, i) => hidden.children[i].has(p)).length;
          if (!hidden.own.has(p)) expect(hiddenChildren).not.toBe(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('decides a region the same in its own answer and in its parent’s', () => {
    fc.assert(
      fc.property(fc.array(table, { minLength: 1, maxLength: 4 }), fc.nat(), (regions, pick) => {
        const index = pick % regions.length;
        const parent: CounterTable = { own: row(total(regions.map((r) => r.own))), children: regions.map((r) => row(r.own)) };
        const fromParent = hiddenProgrammeCounts(PROGRAMMES, parent, K).children[index];
        const own = hiddenProgrammeCounts(PROGRAMMES, tableOf(regions[index]), K, { table: parent, index }).own;
        expect([...own].sort()).toEqual([...fromParent].sort());
      }),
      { numRuns: 300 },
    );
  });
});
