import type { FamilyRecord, MemberRecord } from '@satupintu/contracts';
import { createHash } from 'node:crypto';
import type { ImportField } from './mapping';
import type { TableRow } from './table';
import { parseDate, parseIdentifier, parseRelationship, parseRtRw, parseSex, splitRtRw, type Parsed } from './values';

/** One finding about a row or a family of an import, in the report. */
export interface RowFinding {
  row: number;
  field: string;
  code: string;
  message: string;
  /** error: the row is not imported; warning: it is, with this said. */
  severity: 'error' | 'warning';
}

/** A person row of a list, read and checked, before it joins its family. */
export interface PersonRow {
  row: number;
  kk: string | null;
  nik: string | null;
  name: string;
  sex: 'M' | 'F';
  birthDate: string;
  birthPlace?: string;
  relationship: number;
  street?: string;
  rt: string;
  rw: string;
  villageCode: string;
}

/** Village names into codes (the gateway resolves them against the official region list). */
export type VillageResolver = (villageName: string, districtName: string | undefined) => Parsed<string>;

/** A row's cells through the mapping: the person, or the findings that keep it out. */
export function readPersonRow(row: TableRow, mapping: Record<ImportField, string | undefined>, resolveVillage: VillageResolver, today = new Date()): { person: PersonRow | null; findings: RowFinding[] } {
  const findings: RowFinding[] = row.problems.map((p) => ({ row: row.row, field: p.column, code: p.code, message: p.message, severity: 'warning' as const }));
  const cell = (f: ImportField) => (mapping[f] === undefined ? '' : (row.cells[mapping[f]!] ?? '').trim());
  const error = (field: string, p: { code: string; message: string }) => findings.push({ row: row.row, field, code: p.code, message: p.message, severity: 'error' });
  const take = <T>(field: string, parsed: Parsed<T>): T | undefined => {
    if (parsed.ok) return parsed.value;
    error(field, parsed);
    return undefined;
  };
  const name = cell('name').replace(/\s+/g, ' ');
  if (name === '') error('name', { code: 'NAME_MISSING', message: 'no name' });
  else if (name.length > 100) error('name', { code: 'NAME_TOO_LONG', message: 'a name of more than 100 characters' });
  const sex = take('sex', parseSex(cell('sex')));
  const birthDate = take('birthDate', parseDate(cell('birthDate'), today));
  const relationship = take('relationship', parseRelationship(cell('relationship')));
  const combined = mapping.rtRw !== undefined ? splitRtRw(cell('rtRw')) : null;
  if (mapping.rtRw !== undefined && mapping.rt === undefined && combined === null) error('rtRw', { code: 'RT_RW_FORMAT', message: 'RT/RW must read like 003/005' });
  const rt = mapping.rt !== undefined ? take('rt', parseRtRw(cell('rt'))) : combined ? take('rt', parseRtRw(combined.rt)) : undefined;
  const rw = mapping.rw !== undefined ? take('rw', parseRtRw(cell('rw'))) : combined ? take('rw', parseRtRw(combined.rw)) : undefined;
  let villageCode: string | undefined;
  if (mapping.villageCode !== undefined && cell('villageCode') !== '') {
    villageCode = cell('villageCode').replace(/\s/g, '');
    if (/^\d{10}$/.test(villageCode)) villageCode = `${villageCode.slice(0, 2)}.${villageCode.slice(2, 4)}.${villageCode.slice(4, 6)}.${villageCode.slice(6)}`;
  } else if (mapping.villageName !== undefined && cell('villageName') !== '') {
    villageCode = take('villageName', resolveVillage(cell('villageName'), mapping.districtName ? cell('districtName') || undefined : undefined));
  } else error(mapping.villageCode ? 'villageCode' : 'villageName', { code: 'VILLAGE_MISSING', message: 'no village' });

  const identifier = (field: 'nik' | 'kk') => {
    if (mapping[field] === undefined) return null;
    const parsed = parseIdentifier(cell(field));
    if (parsed.ok) return parsed.value;
    // A broken NIK is dropped (the person is matched without it); a broken KK cannot be guessed.
    findings.push({ row: row.row, field, code: parsed.code, message: parsed.message, severity: field === 'nik' ? 'warning' : 'error' });
    return null;
  };
  const nik = identifier('nik');
  const kk = identifier('kk');
  if (findings.some((f) => f.severity === 'error')) return { person: null, findings };
  const birthPlace = cell('birthPlace').slice(0, 100) || undefined;
  const street = cell('street').slice(0, 200) || undefined;
  return { person: { row: row.row, kk, nik, name, sex: sex!, birthDate: birthDate!, birthPlace, relationship: relationship!, street, rt: rt!, rw: rw!, villageCode: villageCode! }, findings };
}

/**
 * The rows of one KK as one family record: members in file order, the address of the head's row
 * (or the first row's). No head, two heads, more members than a family holds, or members at
 * different addresses are findings for the family; the record still goes to validation, which
 * decides (and says why) as for any submission.
 */
export function familyOf(kk: string, persons: readonly PersonRow[]): { family: FamilyRecord; findings: RowFinding[] } {
  const findings: RowFinding[] = [];
  const heads = persons.filter((p) => p.relationship === 1);
  const first = persons[0].row;
  if (heads.length === 0) findings.push({ row: first, field: 'relationship', code: 'FAMILY_WITHOUT_HEAD', message: 'no row of this KK is the head of family (relationship 1)', severity: 'warning' });
  if (heads.length > 1) findings.push({ row: heads[1].row, field: 'relationship', code: 'FAMILY_TWO_HEADS', message: `${heads.length} rows of this KK are the head of family`, severity: 'warning' });
  const at = heads[0] ?? persons[0];
  const elsewhere = persons.filter((p) => p.villageCode !== at.villageCode || p.rt !== at.rt || p.rw !== at.rw);
  if (elsewhere.length > 0) findings.push({ row: elsewhere[0].row, field: 'address', code: 'FAMILY_ADDRESS_DIFFERS', message: 'rows of this KK give different villages or RT/RW: the head\'s is used', severity: 'warning' });
  return { family: { kk, address: addressOf(at), members: persons.map(memberOf) }, findings };
}

const memberOf = (p: PersonRow): MemberRecord => ({
  ...(p.nik ? { nik: p.nik } : {}),
  name: p.name,
  sex: p.sex,
  birthDate: p.birthDate,
  ...(p.birthPlace ? { birthPlace: p.birthPlace } : {}),
  relationship: p.relationship,
});

const addressOf = (p: PersonRow): FamilyRecord['address'] => ({ villageCode: p.villageCode, rt: p.rt, rw: p.rw, ...(p.street ? { street: p.street } : {}) });

/**
 * A row without a KK as a record of one person (`withoutKk`): the registry finds the person (by NIK
 * or matching) or registers them without a family. Its relationship code is kept as the list says.
 */
export function personWithoutKk(person: PersonRow): FamilyRecord {
  return { kk: '', withoutKk: true, address: addressOf(person), members: [memberOf(person)] };
}

/**
 * The idempotency key of a person without KK: the list's name and the NIK, or (without one) a hash
 * of name, birth date and village, so that the same row in a corrected file keeps its key.
 */
export function importKeyWithoutKk(source: string, person: Pick<PersonRow, 'nik' | 'name' | 'birthDate' | 'villageCode'>): string {
  const id = person.nik ?? createHash('sha256').update(`${person.name.toLowerCase()}|${person.birthDate}|${person.villageCode}`).digest('hex').slice(0, 24);
  return `imp.${sourceSlug(source)}.person.${id}`;
}

/** A list's name as it appears in idempotency keys: lower case letters, digits and dashes. */
export function sourceSlug(source: string): string {
  const slug = source.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return slug || 'list';
}

/**
 * The idempotency key of a family from a list: the list's name and the KK. Importing the same
 * list again (the same file, or a corrected one) addresses the same records: unchanged families
 * are no-ops, changed ones new revisions; the row positions and the file's hash are kept in the
 * job's report (provenance) rather than in the key, so that inserting a row does not renumber
 * every family after it.
 */
export function importKey(source: string, kk: string): string {
  return `imp.${sourceSlug(source)}.kk.${kk.slice(0, 32)}`;
}
