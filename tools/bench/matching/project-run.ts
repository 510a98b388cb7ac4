import {
  clusters,
  compareDates,
  compareExact,
  compareIds,
  compareNames,
  compareStrings,
  dedupCandidates,
  DATE_LEVELS,
  EXACT_LEVELS,
  genericParameters,
  ID_LEVELS,
  linkCandidates,
  linkPersons,
  NAME_LEVELS,
  normaliseName,
  oneToOne,
  phoneticKey,
  STRING_LEVELS,
  trainModel,
  type BlockingKey,
  type ComparisonSpec,
  type NormalisedName,
} from '@satupintu/matching';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * The project's side of `bench:matching`, one data set per process (so that its peak memory is its
 * own): reads the CSV(s) the bench wrote, links or deduplicates them, writes `unique_id,cluster_id`
 * and prints seconds and peak RSS. Usage: project-run.js KIND IN.csv [IN2.csv] OUT.csv
 *   persons-dedup: `linkPersons` exactly as `sp link` runs it (merge weight 18, review 12).
 *   febrl-dedup / febrl-link: the engine of libs/matching with FEBRL's own columns as comparisons.
 */
type Row = Record<string, string>;
const [kind, ...rest] = process.argv.slice(2);
const out = rest.pop()!;
const read = (file: string): Row[] => parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true });
const started = process.hrtime.bigint();
let assignment: Array<[string, string]>;

if (kind === 'persons-dedup') {
  const rows = read(rest[0]);
  const result = linkPersons(
    rows.map((r) => ({ nik: r.nik || null, name: r.name, sex: (r.sex || null) as 'M' | 'F' | null, birthDate: r.birth_date || null, villageCode: r.village || null, kk: r.kk || null })),
    null,
    { mergeAt: 18, reviewAt: 12 },
  );
  if (result.warnings.length > 0) console.error(result.warnings.join('\n'));
  const clusterOf = new Map<number, number>();
  result.clusters.forEach((c, k) => c.forEach(([, i]) => clusterOf.set(i, k)));
  assignment = rows.map((r, i) => [r.unique_id, clusterOf.has(i) ? `c${clusterOf.get(i)}` : `s${i}`]);
} else {
  interface Rec {
    id: string;
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
  const load = (file: string): Rec[] =>
    read(file).map((r) => ({
      id: r.unique_id,
      given: normaliseName(r.given_name),
      surname: normaliseName(r.surname),
      streetNumber: r.street_number?.trim(),
      address1: r.address_1?.trim(),
      address2: r.address_2?.trim(),
      suburb: r.suburb?.trim(),
      postcode: r.postcode?.trim(),
      state: r.state?.trim(),
      dob: r.date_of_birth?.trim(),
      ssn: r.soc_sec_id?.trim(),
    }));
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
  // The weight at which a pair is more likely one record than two among all pairs of the input
  // (Splink's probability 0.5): the share of matches EM found among the candidates, spread over
  // every possible pair (pairs no key brings together are taken to be non-matches).
  const matchWeight = (candidatePrior: number, candidates: number, allPairs: number) => {
    const prior = (candidatePrior * candidates) / allPairs;
    return Math.log2((1 - prior) / prior);
  };
  const train = (population: Rec[], pairs: ReadonlyArray<readonly [Rec, Rec]>) =>
    trainModel(specs, population, pairs.map(([a, b]) => specs.map((s) => s.compare(a, b))), {
      seed: 3,
      sessions: [{ on: ['soc-sec-id'] }, { on: ['date-of-birth', 'surname'] }],
      fallback: genericParameters(specs),
    }).model;
  if (kind === 'febrl-dedup') {
    const records = load(rest[0]);
    const { pairs } = dedupCandidates(records, keys);
    const model = train(records, pairs.map(([i, j]) => [records[i], records[j]] as const));
    const at = matchWeight(model.parameters.prior, pairs.length, (records.length * (records.length - 1)) / 2);
    const accepted = pairs.filter(([i, j]) => model.score(records[i], records[j]) >= at);
    assignment = clusters(records.length, accepted).flatMap((c, k) => c.map((i): [string, string] => [records[i].id, `c${k}`]));
  } else {
    const left = load(rest[0]);
    const right = load(rest[1]);
    const { pairs } = linkCandidates(left, right, keys.map((k) => [k, k] as [BlockingKey<Rec>, BlockingKey<Rec>]));
    const model = train([...left, ...right], pairs.map(([i, j]) => [left[i], right[j]] as const));
    const at = matchWeight(model.parameters.prior, pairs.length, left.length * right.length);
    const kept = oneToOne(pairs.map(([i, j]) => ({ left: i, right: j, p: model.score(left[i], right[j]) })).filter((s) => s.p >= at), (s) => s.p);
    const linked = new Map(kept.map((s) => [s.right, s.left]));
    assignment = [...left.map((r, i): [string, string] => [r.id, `l${i}`]), ...right.map((r, j): [string, string] => [r.id, linked.has(j) ? `l${linked.get(j)}` : `r${j}`])];
  }
}
writeFileSync(out, stringify([['unique_id', 'cluster_id'], ...assignment]));
console.log(JSON.stringify({ seconds: Math.round(Number(process.hrtime.bigint() - started) / 1e7) / 100, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
