import fc from 'fast-check';
import { INDICATORS } from './catalogue';
import { cellsToHide, hiddenCells, primarilyHidden, type CounterTable } from './small-cells';

const DEFS = INDICATORS.filter((d) => d.id.startsWith('economy.decile.') || ['economy.low-welfare', 'health.pregnant', 'stunting.stunting', 'population.persons'].includes(d.id));
const K = 5;

/** Counters of one region: deciles (their total is the decile denominator), pregnancies, stunting. */
const region = fc.record({
  deciles: fc.array(fc.nat({ max: 12 }), { minLength: 10, maxLength: 10 }),
  pregnant: fc.nat({ max: 12 }),
  stunted: fc.nat({ max: 12 }),
  measuredExtra: fc.nat({ max: 12 }),
});
type Region = { deciles: number[]; pregnant: number; stunted: number; measuredExtra: number };
const counters = (r: Region): Record<string, number> => ({
  ...Object.fromEntries(r.deciles.map((n, i) => [`fam.desil.${i + 1}`, n])),
  'fam.desil.known': r.deciles.reduce((a, b) => a + b, 0),
  'health.pregnant': r.pregnant,
  'child.stunted': r.stunted,
  'child.haz-valid': r.stunted + r.measuredExtra,
});
const add = (rows: Record<string, number>[]) => rows.reduce<Record<string, number>>((s, c) => {
  for (const [k, v] of Object.entries(c)) s[k] = (s[k] ?? 0) + v;
  return s;
}, {});
const cellValue = (c: Record<string, number>, id: string) => DEFS.find((d) => d.id === id)!.numerator.reduce((s, k) => s + (c[k] ?? 0), 0);

/**
 * Whether some hidden cell is determined by what is published: the table's sums (a region's count =
 * its children's; the deciles = their published total; deciles 1-4 = "low welfare"), with every
 * visible cell known, solved as linear equations over the hidden cells (Gaussian elimination).
 */
function recoverable(table: CounterTable, hidden: { own: Set<string>; children: Array<Set<string>> }): boolean {
  const rows = [table.own, ...table.children];
  const isHidden = (r: number, id: string) => (r === 0 ? hidden.own : hidden.children[r - 1]).has(id);
  const vars = new Map<string, number>();
  rows.forEach((_, r) => DEFS.forEach((d) => isHidden(r, d.id) && vars.set(`${r}|${d.id}`, vars.size)));
  if (vars.size === 0) return false;
  const equations: number[][] = [];
  const equation = (terms: Array<[number, string, number]>) => {
    const row = new Array(vars.size).fill(0);
    let any = false;
    for (const [r, id, coef] of terms) {
      const v = vars.get(`${r}|${id}`);
      if (v !== undefined) {
        row[v] += coef;
        any = true;
      }
    }
    if (any) equations.push(row);
  };
  const sensitive = DEFS.filter((d) => d.id !== 'population.persons');
  if (table.children.length > 0) for (const d of sensitive) equation([[0, d.id, -1], ...table.children.map((_, c): [number, string, number] => [c + 1, d.id, 1])]);
  rows.forEach((_, r) => {
    equation(Array.from({ length: 10 }, (_, i): [number, string, number] => [r, `economy.decile.${i + 1}`, 1]));
    equation([[r, 'economy.low-welfare', -1], ...Array.from({ length: 4 }, (_, i): [number, string, number] => [r, `economy.decile.${i + 1}`, 1])]);
  });
  // Row-reduce; a hidden cell is recoverable when a reduced row has exactly one non-zero entry.
  const m = equations.map((e) => [...e]);
  let lead = 0;
  for (let r = 0; r < m.length && lead < vars.size; lead++) {
    const pivot = m.findIndex((row, i) => i >= r && Math.abs(row[lead]) > 1e-9);
    if (pivot < 0) continue;
    [m[r], m[pivot]] = [m[pivot], m[r]];
    const p = m[r][lead];
    m[r] = m[r].map((x) => x / p);
    for (let i = 0; i < m.length; i++) if (i !== r && Math.abs(m[i][lead]) > 1e-9) m[i] = m[i].map((x, j) => x - m[i][lead] * m[r][j]);
    r++;
  }
  return m.some((row) => row.filter((x) => Math.abs(x) > 1e-9).length === 1);
}

describe('small-cell suppression', () => {
  it('hides a small count, and a share whose complement is small, but not zero', () => {
    expect(primarilyHidden({ numerator: 2, denominator: null }, K)).toBe(true);
    expect(primarilyHidden({ numerator: 0, denominator: 40 }, K)).toBe(false);
    expect(primarilyHidden({ numerator: 38, denominator: 40 }, K)).toBe(true);
    expect(primarilyHidden({ numerator: 12, denominator: 40 }, K)).toBe(false);
  });

  it('hides a second cell wherever one hidden cell could be recovered from a published total', () => {
    const hidden = cellsToHide([{ numerator: 20, denominator: null }, { numerator: 2, denominator: null }, { numerator: 9, denominator: null }, { numerator: 7, denominator: null }], [{ total: 0, members: [1, 2, 3] }], K);
    expect(hidden).toEqual([false, true, false, true]);
  });

  it('leaves no hidden cell recoverable by sums of published cells, in any table (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(region, { minLength: 1, maxLength: 6 }), (children) => {
        const table: CounterTable = { own: add(children.map(counters)), children: children.map(counters) };
        const hidden = hiddenCells(DEFS, table, K);
        // Every small sensitive cell is hidden...
        table.children.forEach((c, i) => {
          if (cellValue(c, 'health.pregnant') > 0 && cellValue(c, 'health.pregnant') < K) expect(hidden.children[i].has('health.pregnant')).toBe(true);
        });
        // ...the population is never hidden, and nothing hidden can be worked out.
        expect(hidden.own.has('population.persons')).toBe(false);
        expect(recoverable(table, hidden)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('decides a region the same way in its own answer and in its parent\'s', () => {
    fc.assert(
      fc.property(fc.array(region, { minLength: 2, maxLength: 5 }), fc.array(region, { minLength: 1, maxLength: 4 }), (siblings, grandchildren) => {
        const own = add(grandchildren.map(counters));
        const parent: CounterTable = { own: add([own, ...siblings.map(counters)]), children: [own, ...siblings.map(counters)] };
        const inParent = hiddenCells(DEFS, parent, K).children[0];
        const inOwn = hiddenCells(DEFS, { own, children: grandchildren.map(counters) }, K, { table: parent, index: 0 }).own;
        expect([...inOwn].sort()).toEqual([...inParent].sort());
      }),
      { numRuns: 200 },
    );
  });
});
