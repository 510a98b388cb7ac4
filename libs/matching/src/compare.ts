import { jaroWinkler } from '@skyra/jaro-winkler';
import { distance as levenshtein } from 'fastest-levenshtein';
import { spellingKey, type NormalisedName } from './names';

/**
 * Comparison functions: each returns the index of the agreement level a pair falls into (0 = the
 * strongest agreement, the last = disagreement), or null when a value is missing on either side
 * (a missing value is no evidence either way). The levels are named in the `*_LEVELS` arrays.
 */
export type Level = number | null;

export const NAME_LEVELS = ['exact', 'same-spelling', 'typo', 'part-missing', 'shares-a-part', 'different'] as const;

/** Jaro-Winkler similarity of two strings (the `@skyra/jaro-winkler` implementation). */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  return jaroWinkler(a, b);
}

/**
 * Whether two name parts are one part written twice: equal, an initial of the other ("a" for
 * "agus"), one letter added, dropped or changed where the longer part has four letters or more
 * ("Sii" for "Siti"; two parts of three letters, "Eko" and "Eka", stay two names), or close by
 * Jaro-Winkler (>= 0.92). Compared spelling-folded, and as written too: folding doubled letters
 * turns a dropped letter ("Kkyati" for "Kakyati") into two.
 */
export function samePart(a: string, b: string, rawA?: string, rawB?: string): boolean {
  if (a === b) return true;
  if (a.length === 1 || b.length === 1) return a[0] === b[0];
  const oneLetter = (x: string, y: string) => Math.min(x.length, y.length) >= 3 && Math.max(x.length, y.length) >= 4 && levenshtein(x, y) <= 1;
  if (oneLetter(a, b) || (rawA !== undefined && rawB !== undefined && oneLetter(rawA, rawB))) return true;
  return similarity(a, b) >= 0.92;
}

/**
 * How many parts of `short` find a distinct part of `long` they are written as (greedy, in order of
 * closeness); folded parts, with the parts as written beside them.
 */
function partsFound(short: readonly string[], long: readonly string[], rawShort: readonly string[], rawLong: readonly string[]): number {
  const used = new Set<number>();
  let found = 0;
  for (const [i, p] of short.entries()) {
    let best = -1;
    let bestSim = -1;
    long.forEach((q, j) => {
      if (used.has(j) || !samePart(p, q, rawShort[i], rawLong[j])) return;
      const s = similarity(p, q);
      if (s > bestSim) {
        best = j;
        bestSim = s;
      }
    });
    if (best >= 0) {
      used.add(best);
      found += 1;
    }
  }
  return found;
}

/**
 * Two names, graded by how their parts line up (after normalisation and spelling folding):
 * - exact: the same normalised text;
 * - same-spelling: the same under old/new spelling, the parts in another order, or the parts joined
 *   differently ("Nurhayati", "Nur Hayati");
 * - typo: as many parts, each written as the other's (a typo, an initial);
 * - part-missing: every part of the shorter name is in the longer one ("Hartono" and "Hartono Agus",
 *   "Dadang" and "Muhammad Dadang");
 * - shares-a-part: some part in common, some part replaced by another (siblings and twins who share a
 *   family name: "Hasan Santoso", "Husin Santoso");
 * - different: nothing in common.
 */
export function compareNames(a: NormalisedName, b: NormalisedName): Level {
  if (a.text === '' || b.text === '') return null;
  if (a.text === b.text) return 0;
  const sa = a.parts.map(spellingKey);
  const sb = b.parts.map(spellingKey);
  if (sa.join(' ') === sb.join(' ') || sa.join('') === sb.join('')) return 1;
  if (sa.length === sb.length && [...sa].sort().join(' ') === [...sb].sort().join(' ')) return 1;
  const [short, long, rawShort, rawLong] = sa.length <= sb.length ? [sa, sb, a.parts, b.parts] : [sb, sa, b.parts, a.parts];
  const found = partsFound(short, long, rawShort, rawLong);
  if (found === short.length) return short.length === long.length ? 2 : 3;
  if (similarity(sa.join(''), sb.join('')) >= 0.95) return 2;
  return found > 0 ? 4 : 5;
}

export const STRING_LEVELS = ['exact', 'jaro-winkler>=0.92', 'jaro-winkler>=0.80', 'different'] as const;

/** Two free-text values (street, place names): exact, close, somewhat close, or different. */
export function compareStrings(a: string | null | undefined, b: string | null | undefined): Level {
  if (!a || !b) return null;
  if (a === b) return 0;
  const s = similarity(a, b);
  if (s >= 0.92) return 1;
  if (s >= 0.8) return 2;
  return 3;
}

export const EXACT_LEVELS = ['same', 'different'] as const;

/** Two coded values (sex, state, postcode, KK number): the same or not. */
export function compareExact(a: string | null | undefined, b: string | null | undefined): Level {
  if (!a || !b) return null;
  return a === b ? 0 : 1;
}

export const DATE_LEVELS = ['exact', 'day-month-transposed', 'one-day-off', 'one-typo', 'same-month-year', 'placeholder', 'same-year', 'different', 'ten-years-apart'] as const;

/** Days that stand for an unknown birthday in the year: 1 January, 1 July, 31 December. */
const PLACEHOLDER_DAYS = new Set(['0101', '0701', '1231']);

const dayNumber = (y: string, m: string, d: string) => Date.UTC(Number(y), Number(m) - 1, Number(d)) / 86_400_000;

/**
 * Two dates (YYYY-MM-DD or YYYYMMDD): the same; day and month swapped (a frequent entry error); a day
 * apart (across a month's end too); one keystroke off (a digit mistyped or two neighbours swapped; two
 * of year, month and day equal is not enough: 1968-01-18 and 2013-01-18 are a mother and her daughter); the
 * same month and year; the same year with one date a placeholder for an unknown birthday (1
 * January, 1 July, 31 December); only the year the same; different; or ten or more years apart (a parent and a child, a
 * father and the son named after him: evidence of two people).
 */
export function compareDates(a: string | null | undefined, b: string | null | undefined): Level {
  const da = a ? a.replace(/-/g, '') : '';
  const db = b ? b.replace(/-/g, '') : '';
  if (da.length !== 8 || db.length !== 8) return null;
  if (da === db) return 0;
  const [ya, ma, dda] = [da.slice(0, 4), da.slice(4, 6), da.slice(6, 8)];
  const [yb, mb, ddb] = [db.slice(0, 4), db.slice(4, 6), db.slice(6, 8)];
  if (ya === yb && ma === ddb && dda === mb) return 1;
  if (Math.abs(dayNumber(ya, ma, dda) - dayNumber(yb, mb, ddb)) <= 1) return 2;
  if (oneKeystroke(da, db)) return 3;
  if (ya === yb && ma === mb) return 4;
  if (ya === yb) return PLACEHOLDER_DAYS.has(da.slice(4)) || PLACEHOLDER_DAYS.has(db.slice(4)) ? 5 : 6;
  return Math.abs(Number(ya) - Number(yb)) >= 10 ? 8 : 7;
}

/** Equal-length strings one keystroke apart: one character changed, or two neighbours swapped. */
function oneKeystroke(a: string, b: string): boolean {
  const diff: number[] = [];
  for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
  if (diff.length === 1) return true;
  return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]];
}

export const ID_LEVELS = ['exact', 'one-edit', 'different'] as const;

/**
 * Two identifiers (NIK, social security number): the same; one digit mistyped, dropped or two
 * neighbours swapped; or different.
 */
export function compareIds(a: string | null | undefined, b: string | null | undefined): Level {
  if (!a || !b) return null;
  if (a === b) return 0;
  if (levenshtein(a, b) <= 1) return 1;
  return a.length === b.length && oneKeystroke(a, b) ? 1 : 2;
}

export const REGION_LEVELS = ['same-village', 'same-district', 'same-regency', 'same-province', 'different'] as const;

/** Two village codes (PP.RR.DD.VVVV): how far up the region tree they meet. */
export function compareRegions(a: string | null | undefined, b: string | null | undefined): Level {
  if (!a || !b) return null;
  if (a === b) return 0;
  const pa = a.split('.');
  const pb = b.split('.');
  if (pa.slice(0, 3).join('.') === pb.slice(0, 3).join('.')) return 1;
  if (pa.slice(0, 2).join('.') === pb.slice(0, 2).join('.')) return 2;
  if (pa[0] === pb[0]) return 3;
  return 4;
}
