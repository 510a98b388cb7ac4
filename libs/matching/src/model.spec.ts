import { clusters, dedupCandidates, linkCandidates, oneToOne } from './blocking';
import { estimateParameters, MatchModel, type ComparisonSpec } from './model';

interface R {
  name: string;
  year: string;
}
const specs: ComparisonSpec<R>[] = [
  { id: 'name', levels: ['same', 'different'], compare: (a, b) => (a.name && b.name ? (a.name === b.name ? 0 : 1) : null) },
  { id: 'year', levels: ['same', 'different'], compare: (a, b) => (a.year === b.year ? 0 : 1) },
];

describe('MatchModel', () => {
  const model = new MatchModel(specs, { prior: 0.5, comparisons: { name: { m: [0.9, 0.1], u: [0.1, 0.9] }, year: { m: [0.8, 0.2], u: [0.2, 0.8] } } });

  it('adds log2(m/u) per comparison, nothing for a missing value', () => {
    expect(model.score({ name: 'a', year: '1' }, { name: 'a', year: '1' })).toBeCloseTo(Math.log2(9) + Math.log2(4), 10);
    expect(model.score({ name: 'a', year: '1' }, { name: 'b', year: '2' })).toBeCloseTo(Math.log2(1 / 9) + Math.log2(1 / 4), 10);
    expect(model.score({ name: '', year: '1' }, { name: 'b', year: '1' })).toBeCloseTo(Math.log2(4), 10);
  });

  it('turns a score into a probability with the prior, and explains it part by part', () => {
    expect(model.probability(0)).toBeCloseTo(0.5, 10);
    const e = model.explain({ name: 'a', year: '1' }, { name: 'a', year: '2' });
    expect(e.parts).toEqual([
      { comparison: 'name', level: 'same', weight: 3.17 },
      { comparison: 'year', level: 'different', weight: -2 },
    ]);
    expect(e.probability).toBeCloseTo(1 / (1 + 2 ** -(Math.log2(9) - 2)), 6);
  });

  it('refuses parameters that do not fit the levels', () => {
    expect(() => new MatchModel(specs, { prior: 0.5, comparisons: { name: { m: [1], u: [1] }, year: { m: [0.5, 0.5], u: [0.5, 0.5] } } })).toThrow(/name/);
  });
});

describe('estimateParameters (EM)', () => {
  it('recovers m, u and the prior of a known mixture', () => {
    // Three independent comparisons: 2,000 matches agreeing with m = .9/.8/.75 and 8,000 non-matches
    // with u = .1/.25/.2, every pattern present in its exact expected number.
    const m = [0.9, 0.8, 0.75];
    const u = [0.1, 0.25, 0.2];
    const vectors: Array<Array<0 | 1>> = [];
    for (let pattern = 0; pattern < 8; pattern++) {
      const v = [0, 1, 2].map((c) => ((pattern >> c) & 1) as 0 | 1);
      const p = (probs: number[]) => v.reduce<number>((acc, l, c) => acc * (l === 0 ? probs[c] : 1 - probs[c]), 1);
      const count = Math.round(2000 * p(m) + 8000 * p(u));
      for (let i = 0; i < count; i++) vectors.push(v);
    }
    const three = ['a', 'b', 'c'].map((id) => ({ id, levels: ['same', 'different'] }));
    const start = { m: [0.7, 0.3], u: [0.3, 0.7] };
    const fitted = estimateParameters(three, vectors, { prior: 0.5, comparisons: { a: start, b: start, c: start } }, 1000);
    expect(fitted.prior).toBeCloseTo(0.2, 2);
    expect(fitted.comparisons.a.m[0]).toBeCloseTo(0.9, 2);
    expect(fitted.comparisons.b.u[0]).toBeCloseTo(0.25, 2);
    expect(fitted.comparisons.c.m[0]).toBeCloseTo(0.75, 2);
  });
});

describe('blocking', () => {
  const records = [{ k: 'a' }, { k: 'a' }, { k: 'b' }, { k: 'a' }, { k: '' }];
  it('pairs records sharing a key, each pair once across keys, skipping oversized blocks', () => {
    const { pairs } = dedupCandidates(records, [(r) => r.k, (r) => r.k]);
    expect(pairs).toEqual([[0, 1], [0, 3], [1, 3]]);
    expect(dedupCandidates(records, [(r) => r.k], 2)).toEqual({ pairs: [], skippedBlocks: 1 });
  });

  it('pairs across two lists', () => {
    expect(linkCandidates([{ k: 'a' }, { k: 'b' }], [{ k: 'b' }, { k: 'a' }, { k: 'a' }], [[(r) => r.k, (r) => r.k]]).pairs).toEqual([[0, 1], [0, 2], [1, 0]]);
  });

  it('clusters accepted pairs transitively, singletons included', () => {
    expect(clusters(5, [[0, 1], [3, 1]])).toEqual([[0, 1, 3], [2], [4]]);
  });
});

describe('oneToOne', () => {
  it('keeps the best pair of each record, best first', () => {
    const pairs = [
      { left: 0, right: 0, probability: 0.9 },
      { left: 0, right: 1, probability: 0.99 },
      { left: 1, right: 1, probability: 0.95 },
      { left: 1, right: 0, probability: 0.6 },
    ];
    expect(oneToOne(pairs, (p) => p.probability)).toEqual([pairs[1], pairs[3]]);
  });
});
