import pureRand from 'pure-rand';
import type { Level } from './compare';
import { estimateParameters, estimateU, MatchModel, type ComparisonSpec, type ModelParameters } from './model';

export interface TrainingOptions {
  /** Random pairs drawn to estimate u (default 200,000). */
  randomPairs?: number;
  /** Seed of the random pair draw: the same data and seed give the same model. */
  seed?: number;
  /** Starting prior P(match) among candidate pairs (default 0.1). */
  initialPrior?: number;
}

/** A starting m for EM: most of the mass on the strongest level, falling off level by level. */
function initialM(levels: number): number[] {
  const raw = Array.from({ length: levels }, (_, i) => (i === levels - 1 ? 0.02 : 0.9 / 4 ** i));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => x / total);
}

/**
 * Fits a Fellegi-Sunter model to data without labels: u starts from random pairs of `population`,
 * m from a generic shape; EM over the candidate pairs' comparison vectors then estimates m, u and
 * the prior. Deterministic for a given seed.
 */
export function trainModel<R>(specs: ReadonlyArray<ComparisonSpec<R>>, population: R[], candidates: ReadonlyArray<readonly [R, R]>, options: TrainingOptions = {}): MatchModel<R> {
  const rng = pureRand.xoroshiro128plus(options.seed ?? 1);
  const random = () => pureRand.unsafeUniformIntDistribution(0, 2 ** 30 - 1, rng) / 2 ** 30;
  const u = estimateU(specs, population, options.randomPairs ?? 200_000, random);
  const initial: ModelParameters = {
    prior: options.initialPrior ?? 0.1,
    comparisons: Object.fromEntries(specs.map((s) => [s.id, { m: initialM(s.levels.length), u: u[s.id] }])),
  };
  const vectors: Level[][] = candidates.map(([a, b]) => specs.map((s) => s.compare(a, b)));
  return new MatchModel(specs, estimateParameters(specs, vectors, initial));
}
