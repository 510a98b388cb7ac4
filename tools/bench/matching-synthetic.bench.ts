import { linkCandidates, matchable, oneToOne, PERSON_BLOCKING_KEYS, PERSON_COMPARISONS, trainModel, type BlockingKey, type MatchablePerson } from '@satupintu/matching';
import { officialRegions } from '@satupintu/domain';
import { generatePersonLists } from '@satupintu/synthetic';
import { pairQuality } from './pair-quality';

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
console.log(
  JSON.stringify(
    {
      threshold,
      families,
      left: left.length,
      right: right.length,
      ...pairQuality(
        truthSet,
        pairs.map(([i, j]) => key(i, j)),
        accepted.map((s) => key(s.left, s.right)),
      ),
      seconds: Math.round(seconds * 100) / 100,
      weights: model.weightTable(),
      prior: Math.round(model.parameters.prior * 10_000) / 10_000,
    },
    null,
    2,
  ),
);
