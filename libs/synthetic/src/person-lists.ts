import type { FamilyRecord } from '@satupintu/contracts';
import { motherNameOf } from '@satupintu/matching';
import prand from 'pure-rand';
import { generateFamilies } from './family-generator';

/** One row of a legacy agency list (or of a registry extract): who, where, and sometimes their family. */
export interface ListedPerson {
  /** Row id within its list. */
  rowId: string;
  nik: string | null;
  name: string;
  sex: 'M' | 'F' | null;
  birthDate: string | null;
  villageCode: string | null;
  kk: string | null;
  motherName: string | null;
}

export interface PersonListsOptions {
  families: number;
  villages: string[];
  seed: number;
  /** Share of persons on the registry extract (list A). */
  inLeft?: number;
  /** Share of persons on the agency list (list B), independently of A. */
  inRight?: number;
}

/**
 * Two lists of the same population for record-linkage tests, with the ground truth: a clean registry
 * extract (A) and an agency list (B) kept by hand, where NIKs are often missing or mistyped, names
 * carry titles, abbreviations of Muhammad, old spellings and typos, birth dates are swapped or
 * replaced by the placeholder 1 July, and people have moved within their district. Persons are
 * placed on each list independently, so B also holds siblings and parents of A's persons who are
 * not on A (same KK, same mother, same village: the hard negatives). Deterministic for a seed.
 */
export function generatePersonLists(options: PersonListsOptions): { left: ListedPerson[]; right: ListedPerson[]; truth: Array<[string, string]> } {
  const rng = prand.xoroshiro128plus(options.seed);
  const int = (min: number, max: number) => prand.unsafeUniformIntDistribution(min, max, rng);
  const chance = (p: number) => int(0, 999_999) < p * 1_000_000;
  const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)];
  const { records } = generateFamilies({ count: options.families, villages: options.villages, seed: options.seed, errorRate: 0, duplicateRate: 0 });

  const left: ListedPerson[] = [];
  const right: ListedPerson[] = [];
  const truth: Array<[string, string]> = [];
  for (const { family } of records as Array<{ family: FamilyRecord }>) {
    family.members.forEach((m) => {
      const clean: ListedPerson = {
        rowId: '',
        nik: m.nik ?? null,
        name: m.name,
        sex: m.sex,
        birthDate: m.birthDate,
        villageCode: family.address.villageCode,
        kk: family.kk,
        motherName: motherNameOf(family.members, m),
      };
      const onLeft = chance(options.inLeft ?? 0.7);
      const onRight = chance(options.inRight ?? 0.6);
      if (onLeft) left.push({ ...clean, rowId: `a-${left.length}` });
      if (onRight) right.push({ ...corrupt(clean), rowId: `b-${right.length}` });
      if (onLeft && onRight) truth.push([left[left.length - 1].rowId, right[right.length - 1].rowId]);
    });
  }
  return { left, right, truth };

  function corrupt(p: ListedPerson): ListedPerson {
    const out = { ...p };
    if (chance(0.4)) out.nik = null;
    else if (chance(0.06)) out.nik = typoDigit(p.nik!);
    if (chance(0.6)) out.kk = null;
    out.name = variantName(p.name, p.sex, p.birthDate);
    if (p.motherName && chance(0.7)) out.motherName = variantName(p.motherName, 'F', null);
    else out.motherName = null;
    if (p.birthDate) {
      const [y, mo, d] = p.birthDate.split('-');
      if (Number(d) <= 12 && d !== mo && chance(0.05)) out.birthDate = `${y}-${d}-${mo}`;
      else if (chance(0.05)) out.birthDate = `${y}-07-01`;
      else if (chance(0.03)) out.birthDate = `${y}-${mo}-${String(Math.min(28, Math.max(1, Number(d) + pick([-1, 1, 10, -10])))).padStart(2, '0')}`;
      else if (chance(0.02)) out.birthDate = null;
    }
    if (chance(0.01)) out.sex = p.sex === 'M' ? 'F' : 'M';
    if (p.villageCode && chance(0.1)) {
      const sameDistrict = options.villages.filter((v) => v.startsWith(p.villageCode!.slice(0, 8)) && v !== p.villageCode);
      if (sameDistrict.length > 0) out.villageCode = pick(sameDistrict);
    }
    return out;
  }

  function typoDigit(nik: string): string {
    const i = int(6, 15);
    if (chance(0.5) && i < 15) return nik.slice(0, i) + nik[i + 1] + nik[i] + nik.slice(i + 2);
    return nik.slice(0, i) + String((Number(nik[i]) + int(1, 9)) % 10) + nik.slice(i + 1);
  }

  function variantName(name: string, sex: 'M' | 'F' | null, birthDate: string | null): string {
    let parts = name.split(' ');
    if (parts[0] === 'Muhammad' && chance(0.7)) parts[0] = pick(['M.', 'Moch.', 'Muh.', 'Mohammad', 'Muhamad', 'Moh.']);
    if (chance(0.15)) parts = parts.map(oldSpelling);
    if (parts.length > 1 && chance(0.08)) parts = parts.slice(0, -1);
    if (chance(0.08)) {
      const i = int(0, parts.length - 1);
      parts[i] = typo(parts[i]);
    }
    const old = birthDate !== null && Number(birthDate.slice(0, 4)) < 1985;
    if (chance(0.1)) parts.unshift(old ? (sex === 'F' ? 'Hj.' : 'H.') : pick(['Ir.', 'Drs.', 'dr.']));
    if (chance(0.08)) parts.push(pick(['S.Pd.', 'S.E.', 'S.H.', 'S.Kom', 'M.Si.', 'Amd.']));
    const text = parts.join(' ');
    return chance(0.3) ? text.toUpperCase() : text;
  }

  function oldSpelling(part: string): string {
    const old: Record<string, string> = { u: 'oe', j: 'dj', y: 'j', c: 'tj' };
    const lower = part.toLowerCase().replace(/[ujyc]/g, (ch) => old[ch]);
    return lower.charAt(0).toUpperCase() + lower.slice(1);
  }

  function typo(part: string): string {
    if (part.length < 4) return part;
    const i = int(1, part.length - 2);
    const letters = 'aeiouhnrstmk';
    return chance(0.5) ? part.slice(0, i) + part.slice(i + 1) : part.slice(0, i) + letters[int(0, letters.length - 1)] + part.slice(i + 1);
  }
}
