import {
  compareDates,
  compareExact,
  compareIds,
  compareNames,
  compareRegions,
  DATE_LEVELS,
  EXACT_LEVELS,
  ID_LEVELS,
  NAME_LEVELS,
  REGION_LEVELS,
} from './compare';
import type { BlockingKey } from './blocking';
import type { ComparisonSpec } from './model';
import { normaliseName, phoneticKey, type NormalisedName } from './names';

/** What person matching looks at, prepared once per person (names normalised). */
export interface MatchablePerson {
  nik: string | null;
  name: NormalisedName;
  sex: 'M' | 'F' | null;
  birthDate: string | null;
  villageCode: string | null;
  kk: string | null;
  motherName: NormalisedName | null;
}

export interface PersonFields {
  nik?: string | null;
  name: string;
  sex?: 'M' | 'F' | null;
  birthDate?: string | null;
  villageCode?: string | null;
  kk?: string | null;
  motherName?: string | null;
}

export function matchable(p: PersonFields): MatchablePerson {
  return {
    nik: p.nik ?? null,
    name: normaliseName(p.name),
    sex: p.sex ?? null,
    birthDate: p.birthDate ?? null,
    villageCode: p.villageCode ?? null,
    kk: p.kk ?? null,
    motherName: p.motherName ? normaliseName(p.motherName) : null,
  };
}

/**
 * The comparisons of Indonesian person records: NIK, name, birth date, sex, region, and family
 * context (same KK, the mother's name).
 */
export const PERSON_COMPARISONS: ReadonlyArray<ComparisonSpec<MatchablePerson>> = [
  { id: 'nik', levels: ID_LEVELS, compare: (a, b) => compareIds(a.nik, b.nik) },
  { id: 'name', levels: NAME_LEVELS, compare: (a, b) => compareNames(a.name, b.name) },
  { id: 'birth-date', levels: DATE_LEVELS, compare: (a, b) => compareDates(a.birthDate, b.birthDate) },
  { id: 'sex', levels: EXACT_LEVELS, compare: (a, b) => compareExact(a.sex, b.sex) },
  { id: 'region', levels: REGION_LEVELS, compare: (a, b) => compareRegions(a.villageCode, b.villageCode) },
  { id: 'kk', levels: EXACT_LEVELS, compare: (a, b) => compareExact(a.kk, b.kk) },
  { id: 'mother-name', levels: NAME_LEVELS, compare: (a, b) => (a.motherName && b.motherName ? compareNames(a.motherName, b.motherName) : null) },
];

const firstKey = (p: MatchablePerson) => phoneticKey(p.name.parts[0] ?? '');
const lastKey = (p: MatchablePerson) => phoneticKey(p.name.parts[p.name.parts.length - 1] ?? '');

/**
 * Blocking keys for persons: the NIK; the birth date with the district; the first name part's
 * sound with the regency and birth year; the last part's sound with the birth date's month and
 * day (survives a wrong year or a move); the first part's sound with the KK.
 */
export const PERSON_BLOCKING_KEYS: ReadonlyArray<BlockingKey<MatchablePerson>> = [
  (p) => p.nik,
  (p) => (p.birthDate && p.villageCode ? `d|${p.birthDate}|${p.villageCode.slice(0, 8)}` : null),
  (p) => (p.birthDate && p.villageCode && firstKey(p) ? `f|${firstKey(p)}|${p.villageCode.slice(0, 5)}|${p.birthDate.slice(0, 4)}` : null),
  (p) => (p.birthDate && lastKey(p) ? `l|${lastKey(p)}|${p.birthDate.slice(5)}` : null),
  (p) => (p.kk && firstKey(p) ? `k|${p.kk}|${firstKey(p)}` : null),
];

/**
 * The mother of a child (relationship 4, anak) on a KK, for the family-context comparison: the wife
 * (3, istri), else a female head. Null for anyone else.
 */
export function motherNameOf(members: ReadonlyArray<{ relationship: number; sex?: 'M' | 'F' | null; name: string }>, member: { relationship: number }): string | null {
  if (member.relationship !== 4) return null;
  const mother = members.find((m) => m.relationship === 3) ?? members.find((m) => m.relationship === 1 && m.sex === 'F');
  return mother?.name ?? null;
}
