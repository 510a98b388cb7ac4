import { linkPersons } from '@satupintu/matching';
import { officialRegions } from '@satupintu/domain';
import { generatePersonLists } from '@satupintu/synthetic';
import { pairQuality } from './pair-quality';

/**
 * Matching quality on the project's own synthetic Indonesian lists (libs/synthetic person-lists, the
 * generator the person model is trained on: a figure of fit, not of quality on unseen data). Usage:
 *   node -r ./tools/runtime/register-paths.js dist/tools/bench/matching-synthetic.bench.js [families] [merge weight]
 */
const families = Number(process.argv[2] ?? 10_000);
const threshold = Number(process.argv[3] ?? 25);
const villages = ['31.71', '32.01', '35.78'].flatMap((regency) => officialRegions().childrenOf(regency).flatMap((d) => officialRegions().childrenOf(d)));
const { left, right, truth } = generatePersonLists({ families, villages, seed: 7 });

const started = process.hrtime.bigint();
const result = linkPersons(left, right, { mergeAt: threshold, reviewAt: threshold });
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
      ...pairQuality(truthSet, [], result.clusters.map((c) => key(c[0][1], c[1][1]))),
      candidatePairs: result.candidatePairs,
      seconds: Math.round(seconds * 100) / 100,
      weights: result.model.weightTable(),
      prior: Math.round(result.model.parameters.prior * 10_000) / 10_000,
    },
    null,
    2,
  ),
);
