import type { Level } from './compare';

/** One comparison of a model: a name, its agreement levels (strongest first) and how a pair is graded. */
export interface ComparisonSpec<R> {
  id: string;
  levels: readonly string[];
  compare(a: R, b: R): Level;
  /**
   * Term frequency: for an agreement at a level up to `frequencyLevels`, the share of records that
   * carry the agreed value (how often a different person would agree by chance), which replaces the
   * level's average u: an exact "Siti" weighs less than an exact "Zulkifli Hutapea".
   */
  frequency?(a: R, b: R, level: number): number | null;
  /**
   * The most a level of this comparison may add (e.g. 0: agreement is no evidence for, only
   * disagreement against).
   */
  maxWeight?: number;
  /** The last level `frequency` applies to (default 0). */
  frequencyLevels?: number;
}

/** m: P(level | same entity); u: P(level | different entities), per level of one comparison. */
export interface LevelProbabilities {
  m: number[];
  u: number[];
}

export interface ModelParameters {
  /** Per comparison id. */
  comparisons: Record<string, LevelProbabilities>;
  /** P(same entity) among candidate pairs. */
  prior: number;
}

export interface ScoredPart {
  comparison: string;
  /** The level's name; null when a value was missing (weight 0). */
  level: string | null;
  weight: number;
}

export interface Explanation {
  /** Sum of the match weights (log2 m/u), the Fellegi-Sunter score. */
  score: number;
  /** P(same entity | comparisons) with the model's prior. */
  probability: number;
  parts: ScoredPart[];
}

const FLOOR = 1e-6;

/**
 * A Fellegi-Sunter model: each comparison level carries the weight log2(m/u); a pair's score is the
 * sum over comparisons (missing values add nothing); the match probability follows from the score
 * and the prior. Comparisons are assumed conditionally independent, as in the classic model.
 */
export class MatchModel<R> {
  private readonly weights: number[][];
  private readonly priorWeight: number;

  constructor(
    readonly specs: ReadonlyArray<ComparisonSpec<R>>,
    readonly parameters: ModelParameters,
  ) {
    this.weights = specs.map((s) => {
      const p = parameters.comparisons[s.id];
      if (!p || p.m.length !== s.levels.length || p.u.length !== s.levels.length) throw new Error(`model parameters for ${s.id} must have ${s.levels.length} levels`);
      return s.levels.map((_, i) => Math.min(Math.log2(Math.max(p.m[i], FLOOR) / Math.max(p.u[i], FLOOR)), s.maxWeight ?? Infinity));
    });
    this.priorWeight = Math.log2(parameters.prior / (1 - parameters.prior));
  }

  vector(a: R, b: R): Level[] {
    return this.specs.map((s) => s.compare(a, b));
  }

  scoreVector(levels: ReadonlyArray<Level>): number {
    let score = 0;
    for (let i = 0; i < levels.length; i++) {
      const l = levels[i];
      if (l !== null) score += this.weights[i][l];
    }
    return score;
  }

  /** The weight of comparison `i` at level `l` for this pair (term-frequency adjusted where the spec says). */
  weightOf(i: number, l: number, a: R, b: R): number {
    const spec = this.specs[i];
    if (spec.frequency && l <= (spec.frequencyLevels ?? 0)) {
      const f = spec.frequency(a, b, l);
      if (f !== null) {
        const p = this.parameters.comparisons[spec.id];
        // Never below a quarter of the level's average u (a value seen once in a small list is not proof).
        return Math.log2(Math.max(p.m[l], FLOOR) / Math.max(f, p.u[l] / 4, FLOOR));
      }
    }
    return this.weights[i][l];
  }

  score(a: R, b: R): number {
    let score = 0;
    for (let i = 0; i < this.specs.length; i++) {
      const l = this.specs[i].compare(a, b);
      if (l !== null) score += this.weightOf(i, l, a, b);
    }
    return score;
  }

  /** The average u of a comparison's strongest level (the base of term-frequency estimates). */
  baseU(id: string): number {
    return this.parameters.comparisons[id]?.u[0] ?? FLOOR;
  }

  probability(score: number): number {
    return 1 / (1 + 2 ** -(score + this.priorWeight));
  }

  explain(a: R, b: R): Explanation {
    const levels = this.vector(a, b);
    let score = 0;
    const parts = this.specs.map((s, i) => {
      const l = levels[i];
      const w = l === null ? 0 : this.weightOf(i, l, a, b);
      score += w;
      return { comparison: s.id, level: l === null ? null : s.levels[l], weight: round(w) };
    });
    return { score: round(score), probability: this.probability(score), parts };
  }

  /** The weight table, for documentation and review screens. */
  weightTable(): Record<string, Record<string, number>> {
    return Object.fromEntries(this.specs.map((s, i) => [s.id, Object.fromEntries(s.levels.map((l, j) => [l, round(this.weights[i][j])]))]));
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * u probabilities from pairs drawn at random (almost all of them different entities): the share of
 * random pairs falling into each level, with add-one smoothing.
 */
export function estimateU<R>(specs: ReadonlyArray<ComparisonSpec<R>>, records: R[], samples: number, random: () => number): Record<string, number[]> {
  const counts = specs.map((s) => s.levels.map(() => 1));
  for (let k = 0; k < samples; k++) {
    const i = Math.floor(random() * records.length);
    const j = Math.floor(random() * records.length);
    if (i === j) continue;
    specs.forEach((s, c) => {
      const l = s.compare(records[i], records[j]);
      if (l !== null) counts[c][l] += 1;
    });
  }
  return Object.fromEntries(specs.map((s, c) => [s.id, normalise(counts[c])]));
}

function normalise(xs: number[]): number[] {
  const total = xs.reduce((a, b) => a + b, 0);
  return xs.map((x) => x / total);
}

/**
 * m, u and the prior by expectation-maximisation over comparison vectors (the classic Fellegi-Sunter
 * EM), from `initial`; stops after `iterations` or when the prior settles. `fixU` keeps u as given
 * (u from random pairs, the way `trainModel` uses it), `fixM` keeps m (only the prior is estimated).
 */
export function estimateParameters(
  specs: ReadonlyArray<{ id: string; levels: readonly string[] }>,
  vectors: ReadonlyArray<ReadonlyArray<Level>>,
  initial: ModelParameters,
  iterations = 100,
  options: { fixU?: boolean; fixM?: boolean } = {},
): ModelParameters {
  let m = specs.map((s) => [...initial.comparisons[s.id].m]);
  let u = specs.map((s) => [...initial.comparisons[s.id].u]);
  let prior = initial.prior;
  for (let it = 0; it < iterations; it++) {
    const mCounts = specs.map((s) => s.levels.map(() => 1e-3));
    const uCounts = specs.map((s) => s.levels.map(() => 1e-3));
    let gSum = 0;
    for (const v of vectors) {
      let pm = prior;
      let pu = 1 - prior;
      for (let c = 0; c < v.length; c++) {
        const l = v[c];
        if (l === null) continue;
        pm *= Math.max(m[c][l], FLOOR);
        pu *= Math.max(u[c][l], FLOOR);
      }
      const g = pm / (pm + pu);
      gSum += g;
      for (let c = 0; c < v.length; c++) {
        const l = v[c];
        if (l === null) continue;
        mCounts[c][l] += g;
        uCounts[c][l] += 1 - g;
      }
    }
    const nextPrior = Math.min(Math.max(gSum / Math.max(vectors.length, 1), 1e-6), 1 - 1e-6);
    if (!options.fixM) m = mCounts.map(normalise);
    if (!options.fixU) u = uCounts.map(normalise);
    const settled = Math.abs(nextPrior - prior) < 1e-7;
    prior = nextPrior;
    if (settled) break;
  }
  return { prior, comparisons: Object.fromEntries(specs.map((s, c) => [s.id, { m: m[c], u: u[c] }])) };
}
