import { linkCandidates, matchable, oneToOne, PERSON_BLOCKING_KEYS, PERSON_COMPARISONS, trainModel, type BlockingKey, type MatchablePerson } from '@satupintu/matching';
import { officialRegions } from '@satupintu/domain';
import { generatePersonLists } from '@satupintu/synthetic';

/**
 * Matching quality on synthetic Indonesian lists with ground truth (libs/synthetic person-lists): a
 * clean registry extract linked to an agency list with missing and mistyped NIKs, titles, Muhammad
 * abbreviations, old spellings, typos, swapped or placeholder birth dates and moves, and the
 * siblings and parents of listed persons as hard negatives. Usage:
 *   node -r ./tools/runtime/register-paths.js dist/tools/bench/matching-synthetic.bench.js [families] [threshold]
 */
const families = Number(process.argv[2] ?? 10_000);
const threshold = Number(process.argv[3] ?? 0.5);
const villages = ['31.71', '32.01', '35.78'].flatMap((regency) => officialRegions().childrenOf(regency).flatMap((d) => officialRegions().childrenOf(d)));
const { left, right, truth } = generatePersonLists({ families, villages, seed: 7 });

const started = process.hrtime.bigint();
const a = left.map(matchable);
const b = right.map(matchable);
const { pairs } = linkCandidates(a, b, PERSON_BLOCKING_KEYS.map((k) => [k, k] as [BlockingKey<MatchablePerson>, BlockingKey<MatchablePerson>]));
const model = trainModel(PERSON_COMPARISONS, [...a, ...b], pairs.map(([i, j]) => [a[i], b[j]] as const), { seed: 7 });
const accepted = oneToOne(pairs.map(([i, j]) => ({ left: i, right: j, probability: model.probability(model.score(a[i], b[j])) })).filter((s) => s.probability >= threshold), (s) => s.probability);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

const truthSet = new Set(truth.map(([x, y]) => `${x}|${y}`));
const key = (i: number, j: number) => `${left[i].rowId}|${right[j].rowId}`;
const tp = accepted.filter((s) => truthSet.has(key(s.left, s.right))).length;
const precision = tp / accepted.length;
const recall = tp / truthSet.size;
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
console.log(
  JSON.stringify(
    {
      threshold,
      families,
      left: left.length,
      right: right.length,
      truePairs: truthSet.size,
      candidatePairs: pairs.length,
      blockingRecall: r4(pairs.filter(([i, j]) => truthSet.has(key(i, j))).length / truthSet.size),
      predicted: accepted.length,
      precision: r4(precision),
      recall: r4(recall),
      f1: r4((2 * precision * recall) / (precision + recall)),
      seconds: Math.round(seconds * 100) / 100,
      weights: model.weightTable(),
      prior: r4(model.parameters.prior),
    },
    null,
    2,
  ),
);
