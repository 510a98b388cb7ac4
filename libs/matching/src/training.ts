import pureRand from 'pure-rand';
import type { Level } from './compare';
import { estimateParameters, estimateU, MatchModel, type ComparisonSpec, type ModelParameters } from './model';

/**
 * One EM session: only the candidate pairs that agree exactly (level 0) on the `on` comparisons take
 * part, and those comparisons are not estimated in it. Among pairs with the same NIK almost all are
 * one person, so the m of name, birth date, region... come out right however the rest of the
 * candidates look (members of one household, who share a KK and a village, cannot pass for matches).
 */
export interface TrainingSession {
  on: string[];
}

export interface TrainingOptions {
  /** Random pairs drawn to estimate u (default 400,000). */
  randomPairs?: number;
  /** Seed of the random pair draw: the same data and seed give the same model. */
  seed?: number;
  sessions: TrainingSession[];
  /**
   * The parameters to fall back on: m of a comparison no session estimated, or whose estimate is
   * refused by the guards (agreement that is no evidence, disagreement that is no evidence against).
   */
  fallback: ModelParameters;
  /** Smallest m of any level, per comparison id (default 0.003): no level is impossible for one person. */
  mFloor?: Record<string, number>;
}

export interface TrainingReport {
  sessions: Array<{ on: string[]; pairs: number }>;
  /** Comparisons whose m came from the fallback, and why. */
  fellBack: Array<{ comparison: string; reason: string }>;
  prior: number;
}

const DEFAULT_FLOOR = 0.003;

function normalise(xs: number[]): number[] {
  const total = xs.reduce((a, b) => a + b, 0);
  return xs.map((x) => x / total);
}

/** Why an estimated m is not to be used, or null when it is sane. */
export function refuseM(levels: readonly string[], m: number[], u: number[]): string | null {
  if (m.some((x) => !Number.isFinite(x) || x < 0)) return 'not a probability';
  if (m[0] <= u[0]) return `agreement at "${levels[0]}" came out as no evidence (m ${m[0].toPrecision(3)} <= u ${u[0].toPrecision(3)})`;
  const different = levels.indexOf('different');
  if (different >= 0 && m[different] >= u[different]) return `"different" came out as no evidence against (m ${m[different].toPrecision(3)} >= u ${u[different].toPrecision(3)})`;
  return null;
}

/**
 * Fits a Fellegi-Sunter model without labels. u comes from random pairs of `population` and is kept
 * fixed (as Splink does); m comes from EM sessions over the candidate pairs' comparison vectors, one
 * per `sessions` entry, averaged where several sessions estimate the same comparison; the prior from
 * the whole sample with m and u fixed. An estimate the guards refuse is replaced by the fallback's m,
 * and said in the report. Deterministic for a given seed.
 */
export function trainModel<R>(
  specs: ReadonlyArray<ComparisonSpec<R>>,
  population: ReadonlyArray<R>,
  vectors: ReadonlyArray<ReadonlyArray<Level>>,
  options: TrainingOptions,
): { model: MatchModel<R>; report: TrainingReport } {
  const rng = pureRand.xoroshiro128plus(options.seed ?? 1);
  const random = () => pureRand.unsafeUniformIntDistribution(0, 2 ** 30 - 1, rng) / 2 ** 30;
  // Random pairs of a small list say little about chance agreement: under 500 records u is the fallback's.
  const smallList = population.length < 500;
  const u = smallList
    ? Object.fromEntries(specs.map((s) => [s.id, [...options.fallback.comparisons[s.id].u]]))
    : estimateU(specs, population as R[], options.randomPairs ?? 400_000, random);
  const sums = specs.map((s) => s.levels.map(() => 0));
  const counts = specs.map(() => 0);
  const report: TrainingReport = { sessions: [], fellBack: smallList ? [{ comparison: '*', reason: `u of every comparison: only ${population.length} records (fewer than 500)` }] : [], prior: 0 };

  for (const session of options.sessions) {
    const on = session.on.map((id) => specs.findIndex((s) => s.id === id));
    if (on.some((i) => i < 0)) throw new Error(`training session on unknown comparison ${session.on.join(', ')}`);
    const selected: Level[][] = [];
    for (const v of vectors) {
      if (on.every((i) => v[i] === 0)) selected.push(v.map((l, i) => (on.includes(i) ? null : l)));
    }
    report.sessions.push({ on: session.on, pairs: selected.length });
    if (selected.length < 50) continue;
    const initial: ModelParameters = {
      prior: 0.5,
      comparisons: Object.fromEntries(specs.map((s) => [s.id, { m: [...options.fallback.comparisons[s.id].m], u: u[s.id] }])),
    };
    const fitted = estimateParameters(specs, selected, initial, 200, { fixU: true });
    specs.forEach((s, c) => {
      if (on.includes(c)) return;
      const seen = selected.reduce((n, v) => n + (v[c] !== null ? 1 : 0), 0);
      if (seen < 50) return;
      fitted.comparisons[s.id].m.forEach((x, l) => (sums[c][l] += x));
      counts[c] += 1;
    });
  }

  const comparisons: ModelParameters['comparisons'] = {};
  specs.forEach((s, c) => {
    const floor = options.mFloor?.[s.id] ?? DEFAULT_FLOOR;
    let m: number[];
    if (counts[c] === 0) {
      m = [...options.fallback.comparisons[s.id].m];
      report.fellBack.push({ comparison: s.id, reason: 'no session had enough pairs with this value' });
    } else {
      m = normalise(sums[c].map((x) => Math.max(x / counts[c], floor)));
      const refused = refuseM(s.levels, m, u[s.id]);
      if (refused) {
        m = [...options.fallback.comparisons[s.id].m];
        report.fellBack.push({ comparison: s.id, reason: refused });
      }
    }
    comparisons[s.id] = { m, u: u[s.id] };
  });

  const priorOnly = estimateParameters(specs, vectors, { prior: 0.1, comparisons }, 200, { fixU: true, fixM: true });
  const prior = Math.min(Math.max(priorOnly.prior, 1e-6), 0.5);
  report.prior = prior;
  return { model: new MatchModel(specs, { prior, comparisons }), report };
}

/** Generic starting parameters for comparisons without trained defaults: most m on the strongest level, u spread evenly. */
export function genericParameters(specs: ReadonlyArray<{ id: string; levels: readonly string[] }>): ModelParameters {
  return {
    prior: 0.1,
    comparisons: Object.fromEntries(
      specs.map((s) => {
        const raw = s.levels.map((_, i) => (i === s.levels.length - 1 ? 0.02 : 0.9 / 4 ** i));
        return [s.id, { m: normalise(raw), u: s.levels.map(() => 1 / s.levels.length) }];
      }),
    ),
  };
}
