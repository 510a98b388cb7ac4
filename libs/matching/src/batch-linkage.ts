import { compareIds, type Level } from './compare';
import type { Explanation, MatchModel, ModelParameters } from './model';
import { judgePair } from './person-matcher';
import {
  DEFAULT_PERSON_PARAMETERS,
  matchable,
  nameFrequency,
  PERSON_COMPARISONS,
  PERSON_M_FLOOR,
  PERSON_TRAINING_SESSIONS,
  listBlockingKeys,
  type MatchablePerson,
  type PersonFields,
} from './person-model';
import { trainModel, type TrainingReport } from './training';

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
  score: number;
}

export interface LinkageResult {
  /** Pairs at or above the review threshold, best first (explain one with `explain`). */
  pairs: ScoredPair[];
  /** The merge weight used: the one asked for, raised for a large list (`mergeWeightFor`). */
  mergeAt: number;
  /** Clusters of matched rows: [list index (0 or 1), row index]. Singletons are left out. */
  clusters: Array<Array<[number, number]>>;
  candidatePairs: number;
  /** Blocks skipped as too large (their key too common to tell people apart), per key kind. */
  skippedBlocks: Record<string, number>;
  largestBlock: number;
  model: MatchModel<MatchablePerson>;
  training: TrainingReport;
  /** What a user should know about the result (fallbacks, oversized clusters). */
  warnings: string[];
  explain(pair: Pick<ScoredPair, 'left' | 'right'>): Explanation;
}

export interface LinkageOptions {
  /**
   * At or above this match weight (sum of log2 m/u, as the registry's DEDUP_MERGE_AT): the same
   * person. Raised for a large list to the weight `mergeWeightFor` gives (reported in the result).
   */
  mergeAt: number;
  /** At or above this weight (and below mergeAt): a pair for a person to review. */
  reviewAt: number;
  /** Name, birth date and sex must weigh at least this (default 10, as in the registry). */
  minIdentityWeight?: number;
  /** Blocks with more records than this are skipped and counted (default 300). */
  maxBlock?: number;
  /** Candidate pairs drawn (reservoir) to train the model on (default 300,000). */
  trainingSample?: number;
  /** Parameters to fall back on where an estimate is refused (default: the trained person model). */
  fallback?: ModelParameters;
  onProgress?: (phase: 'training' | 'scoring', done: number, total: number) => void;
}

const KEY_KINDS = ['n', 'k', 'd', 's', 'y', 'l', 'p'] as const;

/** 32-bit FNV-1a of a string, never 0 (0 marks a missing key). */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0 || 1;
}

/**
 * Candidate pairs from blocking, enumerated without holding them: records sharing a key are paired
 * inside each block, and a pair that also shares an earlier kind of key is skipped (it was paired
 * there), so every pair comes once with no set of seen pairs. Keys are hashed (a collision only adds
 * a pair to score). Between two lists only pairs across them are made.
 */
class Blocks {
  private readonly keys: Uint32Array;
  private readonly blocks = new Map<number, number[]>();
  readonly skipped: Record<string, number> = {};
  largest = 0;

  constructor(
    persons: ReadonlyArray<MatchablePerson>,
    private readonly leftSize: number | null,
    private readonly maxBlock: number,
  ) {
    const kinds = KEY_KINDS.length;
    this.keys = new Uint32Array(persons.length * kinds);
    persons.forEach((p, r) => {
      for (const key of listBlockingKeys(p)) {
        const kind = KEY_KINDS.indexOf(key[0] as (typeof KEY_KINDS)[number]);
        const h = hash32(key);
        this.keys[r * kinds + kind] = h;
        const id = kind * 2 ** 32 + h;
        const list = this.blocks.get(id);
        if (list) list.push(r);
        else this.blocks.set(id, [r]);
      }
    });
    for (const [id, list] of this.blocks) {
      if (list.length > this.maxBlock) {
        const kind = KEY_KINDS[Math.floor(id / 2 ** 32)];
        this.skipped[kind] = (this.skipped[kind] ?? 0) + 1;
        this.blocks.delete(id);
      } else if (list.length > this.largest) this.largest = list.length;
    }
  }

  forEachPair(visit: (x: number, y: number) => void): void {
    const kinds = KEY_KINDS.length;
    const keys = this.keys;
    const split = this.leftSize;
    for (const [id, list] of this.blocks) {
      if (list.length < 2) continue;
      const kind = Math.floor(id / 2 ** 32);
      for (let a = 0; a < list.length; a++) {
        const x = list[a];
        for (let b = a + 1; b < list.length; b++) {
          const y = list[b];
          if (split !== null && (x < split) === (y < split)) continue;
          let earlier = false;
          for (let k = 0; k < kind; k++) {
            const h = keys[x * kinds + k];
            if (h !== 0 && h === keys[y * kinds + k] && this.blocks.has(k * 2 ** 32 + h)) {
              earlier = true;
              break;
            }
          }
          if (!earlier) visit(x, y);
        }
      }
    }
  }
}

/**
 * The match weight at which a pair is more likely one person than two among all `allPairs` pairs of
 * the input: log2 of the prior odds against a match, the prior being `matches` (the pairs the
 * asked-for threshold merges) spread over every pair. EM's own prior is no estimate of it: it
 * counts the relatives blocking brings together. The weight grows by one for every doubling of a
 * list's pairs (about 15 at 19,000 records, 20 at 635,000); 0 when nothing was matched.
 */
export function mergeWeightFor(matches: number, allPairs: number): number {
  if (matches <= 0 || allPairs <= 0) return 0;
  const prior = Math.min(0.5, matches / allPairs);
  return Math.log2((1 - prior) / prior);
}

/**
 * Deduplicates one list (`right` omitted) or links two, in memory that grows with the lists, not
 * with the candidate pairs: blocking (bounded blocks), a model trained without labels on a sample of
 * the candidate pairs (u from random pairs, m from EM sessions, refused estimates replaced by the
 * trained defaults), each name's frequency in these lists, every candidate pair scored and judged
 * with the registry's guards as it is enumerated; matches clustered as they come (one-to-one between
 * two lists, best first).
 */
export function linkPersons(left: PersonFields[], right: PersonFields[] | null, options: LinkageOptions): LinkageResult {
  const persons = [...left, ...(right ?? [])].map(matchable);
  const split = right ? left.length : null;
  const blocks = new Blocks(persons, split, options.maxBlock ?? 300);

  // Pass 1: count the pairs and keep a uniform sample of them (reservoir) to train on.
  const sampleSize = options.trainingSample ?? 300_000;
  const sample = new Int32Array(sampleSize * 2);
  let total = 0;
  let state = 0x2545f491;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  blocks.forEachPair((x, y) => {
    if (total < sampleSize) {
      sample[total * 2] = x;
      sample[total * 2 + 1] = y;
    } else {
      const k = Math.floor(random() * (total + 1));
      if (k < sampleSize) {
        sample[k * 2] = x;
        sample[k * 2 + 1] = y;
      }
    }
    total += 1;
    if (total % 100_000 === 0) options.onProgress?.('training', total, 0);
  });
  const taken = Math.min(total, sampleSize);
  const vectors: Level[][] = [];
  for (let k = 0; k < taken; k++) vectors.push(PERSON_COMPARISONS.map((c) => c.compare(persons[sample[k * 2]], persons[sample[k * 2 + 1]])));
  const { model, report } = trainModel(PERSON_COMPARISONS, persons, vectors, {
    sessions: PERSON_TRAINING_SESSIONS,
    fallback: options.fallback ?? DEFAULT_PERSON_PARAMETERS,
    mFloor: PERSON_M_FLOOR,
  });

  // Each name's frequency in these lists adjusts what an exact name is worth.
  const counts = new Map<string, number>();
  for (const p of persons) if (p.nameKey) counts.set(p.nameKey, (counts.get(p.nameKey) ?? 0) + 1);
  const baseU = model.baseU('name');
  for (const p of persons) if (p.nameKey) p.nameFrequency = nameFrequency(counts.get(p.nameKey) ?? 0, persons.length, baseU);

  // Pass 2: score and judge every pair; keep what is at or above review.
  const policy = { mergeAt: options.mergeAt, reviewAt: options.reviewAt, minIdentityWeight: options.minIdentityWeight ?? 10 };
  const kept: ScoredPair[] = [];
  let done = 0;
  blocks.forEachPair((x, y) => {
    done += 1;
    if (done % 100_000 === 0) options.onProgress?.('scoring', done, total);
    if (model.score(persons[x], persons[y]) < policy.reviewAt) return;
    const judged = judgePair(model, persons[x], persons[y], policy);
    if (!judged.decision) return;
    kept.push({ left: x, right: split === null ? y : y - split, decision: judged.decision === 'merge' ? 'match' : 'review', score: judged.explanation.score });
  });
  options.onProgress?.('scoring', total, total);
  kept.sort((a, b) => b.score - a.score);

  // The larger the list, the more pairs of two people agree by chance: a merge needs at least the
  // weight at which a pair is more likely one person than two among all pairs of the input
  // (`mergeWeightFor`); matches below it go to review.
  const allPairs = split === null ? (persons.length * (persons.length - 1)) / 2 : split * (persons.length - split);
  const mergeAt = Math.max(options.mergeAt, mergeWeightFor(kept.filter((p) => p.decision === 'match').length, allPairs));
  for (const p of kept) if (p.decision === 'match' && p.score < mergeAt) p.decision = 'review';

  const warnings: string[] = report.fellBack
    .filter((f) => !f.reason.startsWith('no session'))
    .map((f) => (f.comparison === '*' ? `small list: ${f.reason}; the trained defaults are used` : `the estimate for ${f.comparison} was refused (${f.reason}); the trained default is used`));
  const skippedTotal = Object.values(blocks.skipped).reduce((a, b) => a + b, 0);
  if (mergeAt > options.mergeAt) warnings.push(`a list this large pairs many people by chance: merges need weight ${mergeAt.toFixed(1)} (asked: ${options.mergeAt}); the pairs in between are listed for review`);
  if (skippedTotal > 0) warnings.push(`${skippedTotal} blocking groups larger than ${options.maxBlock ?? 300} records were skipped (their key is too common to tell people apart)`);

  let groups: Array<Array<[number, number]>>;
  if (split !== null) {
    // One-to-one between two lists; a match that loses to a better one goes to review.
    const usedL = new Set<number>();
    const usedR = new Set<number>();
    const matched: ScoredPair[] = [];
    for (const p of kept) {
      if (p.decision !== 'match') continue;
      if (usedL.has(p.left) || usedR.has(p.right)) {
        p.decision = 'review';
        continue;
      }
      usedL.add(p.left);
      usedR.add(p.right);
      matched.push(p);
    }
    groups = matched.map((p) => [[0, p.left], [1, p.right]]);
  } else {
    const parent = Int32Array.from({ length: persons.length }, (_, i) => i);
    const find = (x: number): number => {
      while (parent[x] !== x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
      }
      return x;
    };
    // Best first; two clusters whose NIKs differ by more than a typo are never joined through a
    // third record without a NIK (twins: "Muhammad" and "Muhammad Sungirputra", one row of either
    // without its NIK): such a pair goes to review instead.
    const niks = new Map<number, string[]>();
    for (let i = 0; i < persons.length; i++) if (persons[i].nik) niks.set(i, [persons[i].nik!]);
    const conflict = (a: number, b: number) => (niks.get(a) ?? []).some((x) => (niks.get(b) ?? []).some((y) => compareIds(x, y) === 2));
    for (const p of kept) {
      if (p.decision !== 'match') continue;
      const a = find(p.left);
      const b = find(p.right);
      if (a === b) continue;
      if (conflict(a, b)) {
        p.decision = 'review';
        continue;
      }
      const [root, child] = a < b ? [a, b] : [b, a];
      parent[child] = root;
      const merged = [...new Set([...(niks.get(root) ?? []), ...(niks.get(child) ?? [])])];
      if (merged.length > 0) niks.set(root, merged);
      niks.delete(child);
    }
    const byRoot = new Map<number, Array<[number, number]>>();
    for (let i = 0; i < persons.length; i++) {
      const r = find(i);
      if (r === i && byRoot.has(r) === false) byRoot.set(r, []);
      const list = byRoot.get(r) ?? [];
      list.push([0, i]);
      byRoot.set(r, list);
    }
    groups = [...byRoot.values()].filter((g) => g.length > 1);
    const large = groups.filter((g) => g.length > 8).length;
    if (large > 0) warnings.push(`${large} clusters have more than 8 rows: check them before use`);
  }
  return {
    mergeAt,
    pairs: kept,
    clusters: groups,
    candidatePairs: total,
    skippedBlocks: blocks.skipped,
    largestBlock: blocks.largest,
    model,
    training: report,
    warnings,
    explain: (p) => model.explain(persons[p.left], persons[split === null ? p.right : p.right + split]),
  };
}
