/**
 * Cells of agency lists into the values of a family record. Each parser returns the value or a
 * finding code; none throws.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const no = (code: string, message: string): Parsed<never> => ({ ok: false, code, message });

const iso = (y: number, m: number, d: number): string | null => {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
};

/**
 * A birth date as agencies write it: `dd/mm/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`, `yyyy-mm-dd`,
 * `dd-mm-yy` / `dd/mm/yy` (a two-digit year is in the last hundred years before `today`), or an
 * Excel serial day number (days since 1899-12-30, as a spreadsheet stores dates).
 */
export function parseDate(cell: string, today: Date = new Date()): Parsed<string> {
  const s = cell.trim();
  if (s === '') return no('DATE_MISSING', 'no date');
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(s);
  if (m) return dateOr(iso(Number(m[1]), Number(m[2]), Number(m[3])), s);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) return dateOr(iso(Number(m[3]), Number(m[2]), Number(m[1])), s);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2})$/.exec(s);
  if (m) {
    const yy = Number(m[3]);
    const century = today.getUTCFullYear() - (today.getUTCFullYear() % 100);
    const year = century + yy > today.getUTCFullYear() ? century - 100 + yy : century + yy;
    return dateOr(iso(year, Number(m[2]), Number(m[1])), s);
  }
  if (/^\d{1,6}(\.\d+)?$/.test(s)) {
    const serial = Math.floor(Number(s));
    // 1 = 1900-01-01 in Excel's calendar (which counts a 29 February 1900 that never was).
    if (serial < 1 || serial > 2_958_465) return no('DATE_FORMAT', 'a number that is not a spreadsheet date');
    const day = new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000);
    return ok(day.toISOString().slice(0, 10));
  }
  return no('DATE_FORMAT', 'not a date (dd/mm/yyyy, yyyy-mm-dd, dd-mm-yy or a spreadsheet date)');
}

function dateOr(value: string | null, cell: string): Parsed<string> {
  return value === null ? no('DATE_INVALID', `no such day (${cell.length > 12 ? 'a date' : cell})`) : ok(value);
}

/** Sex as coded on Indonesian forms: L/P, LAKI-LAKI/PEREMPUAN, PRIA/WANITA, 1/2, M/F. */
export function parseSex(cell: string): Parsed<'M' | 'F'> {
  const s = cell.trim().toUpperCase().replace(/[\s_.]+/g, '');
  if (['L', 'LK', 'LAKI', 'LAKI-LAKI', 'LAKILAKI', 'PRIA', 'M', 'MALE', '1'].includes(s)) return ok('M');
  if (['P', 'PR', 'PEREMPUAN', 'WANITA', 'F', 'FEMALE', 'W', '2'].includes(s)) return ok('F');
  return no(s === '' ? 'SEX_MISSING' : 'SEX_FORMAT', s === '' ? 'no sex' : 'not a sex code (L/P, 1/2, LAKI-LAKI/PEREMPUAN)');
}

/** SHDK, the relationship to the head of family on the KK: its code 1-11 or its words. */
const RELATIONSHIP_WORDS: Array<[RegExp, number]> = [
  [/^(KEPALA( KELUARGA)?|KK|KRT|KEPALA RUMAH TANGGA)$/, 1],
  [/^SUAMI$/, 2],
  [/^(ISTRI|ISTERI)$/, 3],
  [/^(ANAK|ANAK KANDUNG|ANAK ANGKAT|ANAK TIRI)$/, 4],
  [/^MENANTU$/, 5],
  [/^CUCU$/, 6],
  [/^(ORANG ?TUA|ORTU|AYAH|IBU)$/, 7],
  [/^MERTUA$/, 8],
  [/^(FAMILI( LAIN)?|SAUDARA|KERABAT)$/, 9],
  [/^(PEMBANTU|ART)$/, 10],
  [/^(LAINNYA|LAIN-LAIN|LAIN LAIN)$/, 11],
];

export function parseRelationship(cell: string): Parsed<number> {
  const s = cell.trim().toUpperCase().replace(/[_.]+/g, ' ').replace(/\s+/g, ' ');
  if (s === '') return no('RELATIONSHIP_MISSING', 'no relationship to the head of family');
  if (/^\d{1,2}$/.test(s)) {
    const code = Number(s);
    return code >= 1 && code <= 11 ? ok(code) : no('RELATIONSHIP_FORMAT', 'relationship codes are 1 (head) to 11 (other)');
  }
  const word = s.replace(/^\d{1,2}\s*[-.)]?\s*/, '');
  for (const [re, code] of RELATIONSHIP_WORDS) if (re.test(word)) return ok(code);
  return no('RELATIONSHIP_FORMAT', 'not a relationship code (1-11 or its name: KEPALA KELUARGA, ISTRI, ANAK...)');
}

/**
 * A NIK or KK cell: digits kept as text (spaces, dots, an apostrophe Excel users type to keep a
 * number as text, removed); a number in scientific notation has lost its digits and is refused.
 */
export function parseIdentifier(cell: string): Parsed<string | null> {
  const s = cell.trim().replace(/^'/, '').replace(/[\s.-]/g, '');
  if (s === '' || /^0+$/.test(s) || s === '-') return ok(null);
  if (/^\d+(,\d+)?E\+?\d+$/i.test(s.replace('.', ','))) return no('IDENTIFIER_LOST_DIGITS', 'written as a number in scientific notation: its digits are lost (store the column as text)');
  if (!/^\d+$/.test(s)) return no('IDENTIFIER_FORMAT', 'not digits');
  return ok(s);
}

/** RT / RW: digits, padded to three (`1` -> `001`). */
export function parseRtRw(cell: string): Parsed<string> {
  const s = cell.trim().replace(/^0+(?=\d)/, '');
  if (s === '') return no('RT_RW_MISSING', 'no RT/RW');
  if (!/^\d{1,3}$/.test(s)) return no('RT_RW_FORMAT', 'RT/RW must be a number of 1 to 3 digits');
  return ok(s.padStart(3, '0'));
}

/** Two RT/RW in one cell, as many lists write them: `003/005`, `03/05`. */
export function splitRtRw(cell: string): { rt: string; rw: string } | null {
  const m = /^\s*(\d{1,3})\s*[/-]\s*(\d{1,3})\s*$/.exec(cell);
  return m ? { rt: m[1], rw: m[2] } : null;
}
