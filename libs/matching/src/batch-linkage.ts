import { clusters, dedupCandidates, linkCandidates, oneToOne, type BlockingKey } from './blocking';
import type { Explanation, MatchModel } from './model';
import { matchable, PERSON_BLOCKING_KEYS, PERSON_COMPARISONS, type MatchablePerson, type PersonFields } from './person-model';
import { trainModel } from './training';

/** Which column of a list holds each field (only `name` is required). */
export type ColumnMapping = Partial<Record<keyof PersonFields, string>> & { name: string };

export interface RowProblem {
  row: number;
  field: string;
  message: string;
}

/**
 * Reads one CSV row into person fields with the mapping: dates in YYYY-MM-DD, YYYYMMDD, DD-MM-YYYY
 * or DD/MM/YYYY; sex as L/P, M/F, 1/2 or the words. A value that cannot be read is left empty and
 * reported; the row still takes part (a bad cell never sinks the list).
 */
export function readRow(row: Record<string, string>, mapping: ColumnMapping, index: number, problems: RowProblem[]): PersonFields {
  const cell = (field: keyof PersonFields) => {
    const column = mapping[field];
    const v = column ? row[column]?.trim() : undefined;
    return v ? v : null;
  };
  const date = cell('birthDate');
  const sex = cell('sex');
  const nik = cell('nik');
  const village = cell('villageCode');
  return {
    name: cell('name') ?? '',
    nik: nik === null ? null : /^\d{16}$/.test(nik) ? nik : (problems.push({ row: index, field: 'nik', message: 'not 16 digits: ignored' }), null),
    kk: cell('kk'),
    birthDate: date === null ? null : (parseDate(date) ?? (problems.push({ row: index, field: 'birthDate', message: 'not a date: ignored' }), null)),
    sex: sex === null ? null : (parseSex(sex) ?? (problems.push({ row: index, field: 'sex', message: 'not L/P, M/F or 1/2: ignored' }), null)),
    villageCode: village === null ? null : /^\d{2}\.?\d{2}\.?\d{2}\.?\d{4}$/.test(village) ? village.replace(/^(\d{2})\.?(\d{2})\.?(\d{2})\.?(\d{4})$/, '$1.$2.$3.$4') : (problems.push({ row: index, field: 'villageCode', message: 'not a village code: ignored' }), null),
    motherName: cell('motherName'),
  };
}

export function parseDate(v: string): string | null {
  let m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(v);
  if (m) return valid(m[1], m[2], m[3]);
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(v);
  if (m) return valid(m[3], m[2].padStart(2, '0'), m[1].padStart(2, '0'));
  return null;
}

function valid(y: string, m: string, d: string): string | null {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d) ? `${y}-${m}-${d}` : null;
}

export function parseSex(v: string): 'M' | 'F' | null {
  const s = v.toLowerCase();
  if (['l', 'm', '1', 'laki-laki', 'laki laki', 'pria', 'male'].includes(s)) return 'M';
  if (['p', 'f', '2', 'perempuan', 'wanita', 'female'].includes(s)) return 'F';
  return null;
}

export interface ScoredPair {
  left: number;
  right: number;
  decision: 'match' | 'review';
  explanation: Explanation;
}

export interface LinkageResult {
  pairs: ScoredPair[];
  /** Clusters of matched rows: [list index (0 or 1), row index]. Singletons are left out. */
  clusters: Array<Array<[number, number]>>;
  candidatePairs: number;
  model: MatchModel<MatchablePerson>;
}

export interface LinkageOptions {
  /** At or above: the same person. */
  matchAt: number;
  /** At or above (and below matchAt): a pair for a person to review. */
  reviewAt: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Deduplicates one list (`right` omitted) or links two: blocking, an unsupervised model fitted to
 * these lists, every candidate pair scored and explained; matches clustered (one-to-one between two
 * lists, best first).
 */
export function linkPersons(left: PersonFields[], right: PersonFields[] | null, options: LinkageOptions): LinkageResult {
  const a = left.map(matchable);
  const b = right ? right.map(matchable) : a;
  const { pairs } = right
    ? linkCandidates(a, b, PERSON_BLOCKING_KEYS.map((k) => [k, k] as [BlockingKey<MatchablePerson>, BlockingKey<MatchablePerson>]))
    : dedupCandidates(a, PERSON_BLOCKING_KEYS);
  const model = trainModel(PERSON_COMPARISONS, right ? [...a, ...b] : a, pairs.map(([i, j]) => [a[i], b[j]] as const));
  const scored: ScoredPair[] = [];
  pairs.forEach(([i, j], n) => {
    const explanation = model.explain(a[i], b[j]);
    if (explanation.probability >= options.reviewAt) scored.push({ left: i, right: j, decision: explanation.probability >= options.matchAt ? 'match' : 'review', explanation });
    if (n % 10_000 === 0) options.onProgress?.(n, pairs.length);
  });
  options.onProgress?.(pairs.length, pairs.length);
  scored.sort((x, y) => y.explanation.probability - x.explanation.probability);

  let matched: ScoredPair[];
  if (right) {
    // One-to-one between two lists; a match that loses to a better one goes to review.
    matched = oneToOne(scored.filter((s) => s.decision === 'match'), (s) => s.explanation.probability);
    const kept = new Set(matched);
    for (const s of scored) if (s.decision === 'match' && !kept.has(s)) s.decision = 'review';
  } else {
    matched = scored.filter((s) => s.decision === 'match');
  }
  const offset = right ? a.length : 0;
  const groups = clusters(a.length + (right ? b.length : 0), matched.map((s) => [s.left, s.right + offset] as const))
    .filter((g) => g.length > 1)
    .map((g) => g.map((x): [number, number] => (right && x >= offset ? [1, x - offset] : [0, x])));
  return { pairs: scored, clusters: groups, candidatePairs: pairs.length, model };
}
