import {
  compareDates,
  compareExact,
  compareIds,
  compareNames,
  compareStrings,
  dedupCandidates,
  DATE_LEVELS,
  EXACT_LEVELS,
  ID_LEVELS,
  linkCandidates,
  NAME_LEVELS,
  normaliseName,
  oneToOne,
  phoneticKey,
  STRING_LEVELS,
  trainModel,
  genericParameters,
  type BlockingKey,
  type ComparisonSpec,
  type NormalisedName,
} from '@satupintu/matching';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pairQuality, type PairQuality } from './pair-quality';

/**
 * Matching quality on the FEBRL benchmark (../shared/benchmarks/febrl): dataset3 deduplication and
 * dataset4a + dataset4b linkage, with the project's Fellegi-Sunter engine (u from random pairs, m by
 * EM, no labels used for training). Reports pairwise precision, recall and F1 against the ground
 * truth (rec-N-org and rec-N-dup-K are the same person), and the time taken. Usage:
 *   node -r ./tools/runtime/register-paths.js dist/tools/bench/matching-febrl.bench.js [febrl folder] [threshold]
 */
interface Rec {
  entity: string;
  given: NormalisedName;
  surname: NormalisedName;
  streetNumber: string;
  address1: string;
  address2: string;
  suburb: string;
  postcode: string;
  state: string;
  dob: string;
  ssn: string;
}

const folder = process.argv[2] ?? join(__dirname, '..', '..', '..', '..', 'shared', 'benchmarks', 'febrl');
const threshold = Number(process.argv[3] ?? 0.5);

function load(file: string): Rec[] {
  const rows: Record<string, string>[] = parse(readFileSync(join(folder, file), 'utf8'), { columns: true, trim: true, skip_empty_lines: true });
  return rows.map((r) => ({
    entity: r.rec_id.replace(/^rec-(\d+)-.*$/, '$1'),
    given: normaliseName(r.given_name),
    surname: normaliseName(r.surname),
    streetNumber: r.street_number,
    address1: r.address_1,
    address2: r.address_2,
    suburb: r.suburb,
    postcode: r.postcode,
    state: r.state,
    dob: r.date_of_birth,
    ssn: r.soc_sec_id,
  }));
}

const specs: ComparisonSpec<Rec>[] = [
  { id: 'given-name', levels: NAME_LEVELS, compare: (a, b) => compareNames(a.given, b.given) },
  { id: 'surname', levels: NAME_LEVELS, compare: (a, b) => compareNames(a.surname, b.surname) },
  { id: 'street-number', levels: EXACT_LEVELS, compare: (a, b) => compareExact(a.streetNumber, b.streetNumber) },
  { id: 'address-1', levels: STRING_LEVELS, compare: (a, b) => compareStrings(a.address1, b.address1) },
  { id: 'address-2', levels: STRING_LEVELS, compare: (a, b) => compareStrings(a.address2, b.address2) },
  { id: 'suburb', levels: STRING_LEVELS, compare: (a, b) => compareStrings(a.suburb, b.suburb) },
  { id: 'postcode', levels: ID_LEVELS, compare: (a, b) => compareIds(a.postcode, b.postcode) },
  { id: 'state', levels: EXACT_LEVELS, compare: (a, b) => compareExact(a.state, b.state) },
  { id: 'date-of-birth', levels: DATE_LEVELS, compare: (a, b) => compareDates(a.dob, b.dob) },
  { id: 'soc-sec-id', levels: ID_LEVELS, compare: (a, b) => compareIds(a.ssn, b.ssn) },
];

const first = (n: NormalisedName) => phoneticKey(n.parts[0] ?? '');
const keys: BlockingKey<Rec>[] = [
  (r) => r.ssn || null,
  (r) => r.dob || null,
  (r) => (first(r.given) && first(r.surname) ? `${first(r.given)}|${first(r.surname)}` : null),
  (r) => (r.postcode && first(r.surname) ? `${r.postcode}|${first(r.surname)}` : null),
  (r) => (r.postcode && first(r.given) ? `${r.postcode}|${first(r.given)}` : null),
  (r) => (r.address1 && r.streetNumber ? `${r.streetNumber}|${r.address1.slice(0, 4)}` : null),
];

/** u from random pairs, m from EM among pairs with the same social security number, then among pairs with the same birth date and surname. */
function train(population: Rec[], pairs: ReadonlyArray<readonly [Rec, Rec]>, seed: number) {
  return trainModel(specs, population, pairs.map(([a, b]) => specs.map((s) => s.compare(a, b))), {
    seed,
    sessions: [{ on: ['soc-sec-id'] }, { on: ['date-of-birth', 'surname'] }],
    fallback: genericParameters(specs),
  });
}

type Quality = PairQuality & { records: number; seconds: number };

function quality(records: number, truth: Set<string>, candidates: string[], predicted: string[], seconds: number): Quality {
  return { records, ...pairQuality(truth, candidates, predicted), seconds: Math.round(seconds * 100) / 100 };
}

function dedupDataset3(): Quality {
  const records = load('dataset3.csv');
  const started = process.hrtime.bigint();
  const { pairs } = dedupCandidates(records, keys);
  const { model } = train(records, pairs.map(([i, j]) => [records[i], records[j]] as const), 3);
  const accepted = pairs.filter(([i, j]) => model.probability(model.score(records[i], records[j])) >= threshold);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const truth = new Set<string>();
  const byEntity = Map.groupBy(records.map((r, i) => [r.entity, i] as const), ([e]) => e);
  for (const members of byEntity.values()) for (let x = 0; x < members.length; x++) for (let y = x + 1; y < members.length; y++) truth.add(`${members[x][1]}|${members[y][1]}`);
  return quality(records.length, truth, pairs.map(([i, j]) => `${i}|${j}`), accepted.map(([i, j]) => `${i}|${j}`), seconds);
}

function linkDataset4(): Quality {
  const left = load('dataset4a.csv');
  const right = load('dataset4b.csv');
  const started = process.hrtime.bigint();
  const { pairs } = linkCandidates(left, right, keys.map((k) => [k, k] as [BlockingKey<Rec>, BlockingKey<Rec>]));
  const { model } = train([...left, ...right], pairs.map(([i, j]) => [left[i], right[j]] as const), 4);
  // One-to-one: each record of one list links to at most one of the other (best first).
  const accepted = oneToOne(pairs.map(([i, j]) => ({ left: i, right: j, probability: model.probability(model.score(left[i], right[j])) })).filter((s) => s.probability >= threshold), (s) => s.probability);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rightBy = new Map(right.map((r, j) => [r.entity, j]));
  const truth = new Set(left.flatMap((r, i) => (rightBy.has(r.entity) ? [`${i}|${rightBy.get(r.entity)}`] : [])));
  return quality(left.length + right.length, truth, pairs.map(([i, j]) => `${i}|${j}`), accepted.map((s) => `${s.left}|${s.right}`), seconds);
}

console.log(JSON.stringify({ threshold, dataset3Dedup: dedupDataset3(), dataset4Linkage: linkDataset4(), node: process.version }, null, 2));
