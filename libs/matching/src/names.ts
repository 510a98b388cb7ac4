/**
 * Indonesian personal names, prepared for comparison (never for storage: the registry keeps names
 * as recorded). Three steps:
 *  1. `normaliseName`: lower case, Latin letters only (diacritics folded, punctuation dropped),
 *     titles and academic degrees removed (H., Hj., Ir., Drs., dr., S.Pd., M.Si. ...), every
 *     abbreviation or spelling of Muhammad made "muhammad".
 *  2. `spellingKey`: folds the old (pre-1972, van Ophuijsen / Soewandi) spellings onto one form, so
 *     that "Soedjatmiko" and "Sujatmiko", "Tjahjono" and "Cahyono" compare as equal: oe/u, dj/j,
 *     tj/c, ch/kh, j/y, and doubled letters.
 *  3. `phoneticKey`: a short, coarse key of the first name part for blocking.
 */

/** Titles and degrees, written without dots and spaces, in lower case. */
const HONORIFICS = new Set([
  // religious and social titles
  'h', 'hj', 'haji', 'hajjah', 'kh', 'ust', 'ustadz', 'ustazah', 'ny', 'nn', 'tn', 'bpk', 'bapak', 'ibu', 'sdr', 'sdri',
  // professional and academic titles before the name
  'ir', 'dr', 'drs', 'dra', 'prof', 'drg', 'drh', 'apt',
  // degrees after the name (Indonesian and common foreign)
  'spd', 'spdi', 'sh', 'se', 'st', 'skom', 'sip', 'sag', 'ssos', 'ssi', 'sked', 'skm', 'sfarm', 'spsi', 'sthi', 'shi', 'sei', 'ssy', 'sikom', 'sp', 'ssn', 'sksi', 'ssit', 'str', 'sstp', 'ak', 'mpd', 'msi', 'mm', 'mh', 'mkes', 'mkom', 'msc', 'ma', 'mt', 'mag', 'mba', 'phd', 'amd', 'amdkeb', 'amdkep', 'amk', 'bsc', 'ba', 'spog', 'spa', 'sppd', 'spb',
]);

/** Written forms of Muhammad (and their usual abbreviations), all compared as one name. */
const MUHAMMAD = new Set([
  'm', 'mhd', 'md', 'muh', 'muhd', 'moh', 'mohd', 'moch', 'mochd', 'mch', 'mukhammad', 'muhammad', 'muhamad', 'muhammed', 'muhamed', 'mohammad', 'mohamad', 'mohammed', 'mohamed', 'mochammad', 'mochamad', 'mokhammad', 'muchammad', 'muchamad', 'mahmmad',
]);

/** The same forms in old spelling too ("Moehammad", "Motjhammad", "Moeh."); "m" alone is left to the rule below. */
const MUHAMMAD_FOLDED = new Set([...MUHAMMAD].filter((t) => t.length > 1).map((t) => spellingKey(t)));

/** Splits a raw name into lower-case Latin tokens; a dot ends a token ("M.Yusuf" -> m, yusuf). */
function tokens(raw: string): string[] {
  return raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['`’‘]/g, '')
    .split(/[^a-z.]+|\.(?=[a-z])/)
    .map((t) => t.replace(/\./g, ''))
    .filter((t) => t.length > 0);
}

/**
 * Degrees are often written "S.Pd." or "S. Pd": a title token may have been split by its dots.
 * Joins runs of one- and two-letter tokens when their concatenation is a title.
 */
function dropHonorifics(parts: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    let matched = 0;
    for (let len = 3; len >= 1; len--) {
      if (i + len > parts.length) continue;
      const joined = parts.slice(i, i + len).join('');
      if (HONORIFICS.has(joined) && (len > 1 || parts.length > 1)) {
        matched = len;
        break;
      }
    }
    if (matched > 0) i += matched - 1;
    else out.push(parts[i]);
  }
  return out;
}

export interface NormalisedName {
  /** The name's parts in order, without titles, Muhammad unified. */
  parts: string[];
  /** The parts joined by single spaces. */
  text: string;
}

/** The comparable form of a name (see the file comment). Empty text for a blank name. */
export function normaliseName(raw: string | null | undefined): NormalisedName {
  if (!raw) return { parts: [], text: '' };
  const withoutTitles = dropHonorifics(tokens(raw));
  // "M." alone is Muhammad only before another name part ("Ahmad M." keeps its initial).
  const parts = withoutTitles.map((t, i) => ((MUHAMMAD.has(t) || MUHAMMAD_FOLDED.has(spellingKey(t))) && (t !== 'm' || i < withoutTitles.length - 1) ? 'muhammad' : t));
  return { parts, text: parts.join(' ') };
}

/**
 * Folds old and new spellings onto one form: "dj" and "j" and "y" become "y" (old "dj" is new "j",
 * old "j" is new "y"), "tj" becomes "c", "oe" becomes "u", "ch" becomes "kh", doubled letters single.
 * Both sides of a comparison go through it; a stored name never does.
 */
export function spellingKey(text: string): string {
  return text
    .replace(/oe/g, 'u')
    .replace(/dj/g, 'y')
    .replace(/tj/g, 'c')
    .replace(/ch/g, 'kh')
    .replace(/j/g, 'y')
    .replace(/([a-z])\1+/g, '$1');
}

/**
 * A coarse sound key of one name part for blocking: spelling-folded, first letter kept, vowels and
 * h/w/y after it dropped, similar consonants merged, at most four characters ("Soedjatmiko" and
 * "Sujatmiko" -> "stmk").
 */
export function phoneticKey(part: string): string {
  const s = spellingKey(part);
  if (s.length === 0) return '';
  const groups: Record<string, string> = { b: 'p', f: 'p', v: 'p', d: 't', z: 's', q: 'k', c: 's', g: 'k', x: 'k' };
  let out = s[0] === 'y' ? 'y' : (groups[s[0]] ?? s[0]);
  for (const ch of s.slice(1)) {
    if ('aeiouhwy'.includes(ch)) continue;
    const g = groups[ch] ?? ch;
    if (out[out.length - 1] !== g) out += g;
    if (out.length === 4) break;
  }
  return out;
}

const MUHAMMAD_ABBREVIATIONS = new Set(['m', 'mhd', 'md', 'muh', 'muhd', 'moh', 'mohd', 'moch', 'mochd', 'mch']);

/**
 * How complete a written form of a name is, for choosing the one the registry shows (higher is
 * better): titles and degrees, Muhammad abbreviated and a name written all in capitals each cost.
 * "Muhammad Dadang" beats "Muh. Dadang, S.H." and "MUHAMMAD DADANG".
 */
export function nameFormQuality(raw: string): number {
  const all = tokens(raw);
  const kept = dropHonorifics(all);
  const titles = all.length - kept.length;
  const abbreviated = kept.filter((t, i) => MUHAMMAD_ABBREVIATIONS.has(t) && (t !== 'm' || i < kept.length - 1)).length;
  const letters = raw.replace(/[^A-Za-z]/g, '');
  const capitals = letters.length > 3 && letters === letters.toUpperCase() ? 1 : 0;
  return -(2 * titles + 2 * abbreviated + capitals);
}
