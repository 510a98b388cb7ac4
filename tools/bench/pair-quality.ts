export interface PairQuality {
  truePairs: number;
  candidatePairs: number;
  /** Share of true pairs that blocking let through to be compared. */
  blockingRecall: number;
  predicted: number;
  precision: number;
  recall: number;
  f1: number;
}

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** Pairwise precision, recall and F1 of predicted pairs against the truth (pairs as "a|b" strings). */
export function pairQuality(truth: ReadonlySet<string>, candidates: readonly string[], predicted: readonly string[]): PairQuality {
  const tp = predicted.filter((p) => truth.has(p)).length;
  const precision = predicted.length ? tp / predicted.length : 0;
  const recall = truth.size ? tp / truth.size : 0;
  return {
    truePairs: truth.size,
    candidatePairs: candidates.length,
    blockingRecall: r4(candidates.filter((p) => truth.has(p)).length / Math.max(truth.size, 1)),
    predicted: predicted.length,
    precision: r4(precision),
    recall: r4(recall),
    f1: r4(precision + recall ? (2 * precision * recall) / (precision + recall) : 0),
  };
}
