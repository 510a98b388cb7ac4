import { jaroWinkler } from '@skyra/jaro-winkler';
import { distance as levenshtein } from 'fastest-levenshtein';
import { spellingKey, type NormalisedName } from './names';

/**
 * Comparison functions: each returns the index of the agreement level a pair falls into (0 = the
 * strongest agreement, the last = disagreement), or null when a value is missing on either side
 * (a missing value is no evidence either way). The levels are named in the `*_LEVELS` arrays.
 */
export type Level = number | null;

export const NAME_LEVELS = ['exact', 'same-spelling', 'jaro-winkler>=0.94', 'jaro-winkler>=0.85', 'different'] as const;

/** Jaro-Winkler similarity of two strings (the `@skyra/jaro-winkler` implementation). */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  return jaroWinkler(a, b);
}

/**
 * Two names: the same text; the same under old/new spelling (or the same parts in another order);
 * close by Jaro-Winkler on the spelling-folded forms (the better of whole-name and part-by-part, so
 * that a dropped middle name still counts as close); or different.
 */
export function compareNames(a: NormalisedName, b: NormalisedName): Level {
  if (a.text === '' || b.text === '') return null;
  if (a.text === b.text) return 0;
  const ka = spellingKey(a.text);
  const kb = spellingKey(b.text);
  if (ka === kb) return 1;
  const sa = a.parts.map(spellingKey);
  const sb = b.parts.map(spellingKey);
  if (sa.length === sb.length && [...sa].sort().join(' ') === [...sb].sort().join(' ')) return 1;
  const whole = similarity(ka, kb);
  // Every part of the shorter name matched by a close part of the longer one.
  const [short, long] = sa.length <= sb.length ? [sa, sb] : [sb, sa];
  const partwise = short.reduce((sum, p) => sum + Math.max(...long.map((q) => similarity(p, q))), 0) / short.length;
  const best = Math.max(whole, short.length < long.length ? partwise * 0.97 : partwise);
  if (best >= 0.94) return 2;
  if (best >= 0.85) return 3;
  return 4;
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

export const DATE_LEVELS = ['exact', 'day-month-transposed', 'one-typo', 'same-year', 'different'] as const;

/**
 * Two dates (YYYY-MM-DD or YYYYMMDD): the same; day and month swapped (a frequent entry error); one
 * character mistyped or a part off (two of year, month, day equal); only the year the same (e.g. the
 * placeholder 1 July or 31 December that stands for an unknown birthday); or different.
 */
export function compareDates(a: string | null | undefined, b: string | null | undefined): Level {
  const da = a ? a.replace(/-/g, '') : '';
  const db = b ? b.replace(/-/g, '') : '';
  if (da.length !== 8 || db.length !== 8) return null;
  if (da === db) return 0;
  const [ya, ma, dda] = [da.slice(0, 4), da.slice(4, 6), da.slice(6, 8)];
  const [yb, mb, ddb] = [db.slice(0, 4), db.slice(4, 6), db.slice(6, 8)];
  if (ya === yb && ma === ddb && dda === mb) return 1;
  const same = Number(ya === yb) + Number(ma === mb) + Number(dda === ddb);
  if (same === 2 || levenshtein(da, db) === 1) return 2;
  if (ya === yb) return 3;
  return 4;
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
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]]) return 1;
  }
  return 2;
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
