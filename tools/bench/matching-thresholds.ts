import { linkPersons } from '@satupintu/matching';
import { officialRegions } from '@satupintu/domain';
import { generatePersonLists } from '@satupintu/synthetic';
import { pairQuality } from './pair-quality';

/**
 * How the merge threshold was chosen: F1 of list linkage at each candidate merge weight on the
 * project's own training lists (libs/synthetic person-lists, seed 7, the data `sp
 * train-person-model` fits to). Never on the evaluation generator. Usage:
 *   node -r ./tools/runtime/register-paths.js dist/tools/bench/matching-thresholds.js [families]
 */
const families = Number(process.argv[2] ?? 10_000);
const villages = ['31.71', '32.01', '35.78'].flatMap((regency) => officialRegions().childrenOf(regency).flatMap((d) => officialRegions().childrenOf(d)));
const { left, right, truth } = generatePersonLists({ families, villages, seed: 7 });
const truthSet = new Set(truth.map(([x, y]) => `${x}|${y}`));
for (const mergeAt of [16, 18, 20, 22, 25]) {
  const result = linkPersons(left, right, { mergeAt, reviewAt: Math.min(12, mergeAt) });
  const q = pairQuality(truthSet, [], result.clusters.map((c) => `${left[c[0][1]].rowId}|${right[c[1][1]].rowId}`));
  console.log(JSON.stringify({ mergeAt, precision: q.precision, recall: q.recall, f1: q.f1 }));
}
