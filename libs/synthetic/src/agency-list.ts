import type { FamilyRecord } from '@satupintu/contracts';
import { generateFamilies } from './family-generator';
import { FAMILY_NAMES, FEMALE_NAMES } from './names';

/**
 * A synthetic agency list as agencies keep them, for the import's tests and benchmark: one row per
 * person with Indonesian headers (NIK, NO_KK, NAMA, JK, TGL_LAHIR, HUB_KEL, ALAMAT, RT, RW,
 * KODE_DESA), dates in four formats (dd/mm/yyyy, yyyy-mm-dd, dd-mm-yy, spreadsheet serials), sex
 * as L/P, village codes with or without dots, names with accented letters; with broken rows,
 * persons without a KK, rows whose date cannot be a date, and (given `known`) families already in
 * the registry listed again with other spellings and without their NIKs. The expected outcome of
 * every row is returned beside it.
 */
export interface AgencyListOptions {
  families: number;
  villages: string[];
  seed: number;
  /** Families already registered, listed again respelt and without NIKs. */
  known?: FamilyRecord[];
  /** Per 1,000 rows: broken rows, persons without KK, impossible dates. */
  brokenPerMille?: number;
  withoutKkPerMille?: number;
  badDatePerMille?: number;
}

export const AGENCY_LIST_HEADER = ['NIK', 'NO_KK', 'NAMA', 'JK', 'TGL_LAHIR', 'HUB_KEL', 'ALAMAT', 'RT', 'RW', 'KODE_DESA'];

export interface AgencyList {
  header: string[];
  /** Rows as text cells; a broken row is one raw line (in `raw`). */
  rows: Array<{ cells: string[] } | { raw: string }>;
  families: FamilyRecord[];
  expected: { familyRows: number; unreadable: number; withoutKk: number; badDates: number; knownFamilies: number };
}

const pad = (n: number) => String(n).padStart(2, '0');

function dateCell(iso: string, k: number): string {
  const [y, m, d] = iso.split('-');
  switch (k % 4) {
    case 0:
      return `${d}/${m}/${y}`;
    case 1:
      return iso;
    case 2:
      return `${d}-${m}-${y.slice(2)}`;
    default:
      return String(Math.round((Date.UTC(Number(y), Number(m) - 1, Number(d)) - Date.UTC(1899, 11, 30)) / 86_400_000));
  }
}

/** A second cadre's spelling: old spellings, an abbreviated Muhammad, capitals. */
function respell(name: string, k: number): string {
  const variants = [(s: string) => s.replace(/u/g, 'oe'), (s: string) => s.replace(/j/g, 'dj').replace(/y/g, 'j'), (s: string) => s.toUpperCase(), (s: string) => s.replace(/^Muhammad\b/, 'Moh.')];
  return variants[k % variants.length](name);
}

export function generateAgencyList(options: AgencyListOptions): AgencyList {
  // Two-digit years are read within the last hundred years: keep everyone younger than 99.
  const { records } = generateFamilies({ count: options.families, villages: options.villages, seed: options.seed, errorRate: 0, duplicateRate: 0, keyPrefix: `agency-${options.seed}` });
  const fresh = records.map((r) => r.family as FamilyRecord);
  const known = options.known ?? [];
  const rows: AgencyList['rows'] = [];
  const expected = { familyRows: 0, unreadable: 0, withoutKk: 0, badDates: 0, knownFamilies: known.length };
  let k = 0;
  const person = (f: FamilyRecord, m: FamilyRecord['members'][number], again: boolean): string[] => {
    k += 1;
    const village = k % 3 === 0 ? f.address.villageCode.replace(/\./g, '') : f.address.villageCode;
    const name = again ? respell(m.name, k) : k % 17 === 0 ? `${m.name.split(' ')[0]} Andr\u00e9` : m.name;
    return [again ? '' : (m.nik ?? ''), f.kk, name, m.sex === 'M' ? 'L' : 'P', dateCell(m.birthDate, k), String(m.relationship), f.address.street ?? '', String(Number(f.address.rt)), f.address.rw, village];
  };
  const every = (perMille: number | undefined) => (perMille ? Math.max(1, Math.round(1000 / perMille)) : Infinity);
  const brokenEvery = every(options.brokenPerMille ?? 2);
  const withoutKkEvery = every(options.withoutKkPerMille ?? 3);
  const badDateEvery = every(options.badDatePerMille ?? 2);
  const families = [...known.map((f) => ({ f, again: true })), ...fresh.map((f) => ({ f, again: false }))];
  let line = 0;
  for (const { f, again } of families) {
    for (const m of f.members) {
      rows.push({ cells: person(f, m, again) });
      expected.familyRows += 1;
      line += 1;
      if (line % brokenEvery === 0) {
        rows.push({ raw: `"${m.nik ?? ''};${f.kk};rusak` });
        expected.unreadable += 1;
      }
      if (line % withoutKkEvery === 0) {
        // A person in no family known to the list: a name and a birthday of her own.
        const n = expected.withoutKk;
        const name = `${FEMALE_NAMES[(n * 7) % FEMALE_NAMES.length]} ${FAMILY_NAMES[(n * 13 + 5) % FAMILY_NAMES.length]} ${FEMALE_NAMES[(n * 3 + 1) % FEMALE_NAMES.length]}`;
        const born = `${pad((n % 28) + 1)}/${pad(((n * 5) % 12) + 1)}/${1950 + ((n * 11) % 55)}`;
        rows.push({ cells: ['', '', name, 'P', born, '4', '', '1', '1', f.address.villageCode] });
        expected.withoutKk += 1;
      }
      if (line % badDateEvery === 0) {
        rows.push({ cells: ['', `${f.kk.slice(0, 10)}${String(900_000 + line).slice(-6)}`, `Tanggal Salah ${line}`, 'L', `31/02/19${pad(line % 90 + 10)}`, '1', '', '1', '1', f.address.villageCode] });
        expected.badDates += 1;
      }
    }
  }
  return { header: AGENCY_LIST_HEADER, rows, families: [...known, ...fresh], expected };
}

/** The list as a Windows-1252 CSV with `;` separators and CRLF line ends, as Excel saves it. */
export function agencyListCsv(list: AgencyList): Buffer {
  const quote = (c: string) => (/[;"\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  const lines = [list.header.join(';'), ...list.rows.map((r) => ('raw' in r ? r.raw : r.cells.map(quote).join(';')))];
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}
