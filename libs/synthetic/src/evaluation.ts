import type { FamilyRecord, MemberRecord, Sex } from '@satupintu/contracts';
import { formatNik } from '@satupintu/domain';
import prand, { type RandomGenerator } from 'pure-rand';

/**
 * The evaluation generator: Indonesian families built differently from `family-generator` and
 * `person-lists` (which the person model is trained on), so that matching is measured on data no
 * parameter, threshold or rule was fitted to. Nothing in the project trains on it. What differs:
 * - names are composed from syllables into some thousands of given and family names, drawn with a
 *   Zipf skew (a few names, "Siti", "Nur", "Muhammad"..., are very common, most are rare), in one,
 *   two or three parts, with Muhammad and Siti prefixes and Batak-style clan names;
 * - families hold twins (consecutive NIK serials, the same birth date), sons named exactly after
 *   their fathers, grandparents;
 * - records come again as events: the same family re-recorded under its KK (members left out, a
 *   newborn added), moved to another village, district or regency, re-registered under a new KK, or
 *   split (an adult child leaves with a spouse for a KK of its own);
 * - every re-recorded member is corrupted independently, at other rates and in combinations: NIK
 *   left out or mistyped in its serial, names with a part dropped or added, an initial, a typo, an
 *   old spelling, a title or degree, capitals, Muhammad abbreviated or dropped; birth dates a day
 *   off, day and month swapped, the year one off, a placeholder 1 January or 1 July.
 */

const ONSETS = ['', 'b', 'c', 'd', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'w', 'y', 'sr', 'sy', 'kh', 'ny', 'ng', 'tr', 'pr'];
const VOWELS = ['a', 'a', 'a', 'i', 'i', 'u', 'u', 'e', 'o'];
const CODAS = ['', '', '', 'n', 'r', 'h', 'm', 'ng', 's', 't', 'k', 'l'];
const MALE_ENDINGS = ['to', 'di', 'man', 'wan', 'no', 'yo', 'an', 'ul', 'ar', 'us', 'din'];
const FEMALE_ENDINGS = ['ti', 'ni', 'wati', 'yati', 'sih', 'ah', 'yah', 'na', 'ri', 'tun', 'ya'];
const COMMON_MALE = ['Muhammad', 'Ahmad', 'Agus', 'Budi', 'Eko', 'Andi', 'Rudi', 'Dedi', 'Hendra', 'Joko'];
const COMMON_FEMALE = ['Siti', 'Nur', 'Sri', 'Dewi', 'Rina', 'Maya', 'Sumiati', 'Yuliana', 'Ani', 'Wati'];
const CLANS = ['Siregar', 'Nasution', 'Lubis', 'Harahap', 'Simanjuntak', 'Hutapea', 'Sitompul', 'Pardede', 'Sinaga', 'Tambunan', 'Panjaitan', 'Manurung'];
const TITLES_BEFORE = ['H.', 'Hj.', 'Drs.', 'Dra.', 'Ir.', 'dr.', 'Ny.'];
const DEGREES = ['S.Pd', 'S.E.', 'S.H', 'S.Kom.', 'S.Sos', 'A.Md.', 'M.M.', 'S.Ag.'];
const MUHAMMAD_FORMS = ['M.', 'Muh.', 'Moh.', 'Mochammad', 'Muhamad', 'Mhd.', 'Mohammad'];

export interface EvaluationOptions {
  families: number;
  villages: string[];
  seed: number;
  /** Reference date (YYYY-MM-DD); ages and births are before it. */
  today?: string;
}

/** A person of the evaluation population: the entity every record of them carries. */
interface Person {
  entity: string;
  nik: string;
  name: string;
  sex: Sex;
  birthDate: string;
  relationship: number;
}

interface Household {
  kk: string;
  village: string;
  members: Person[];
}

/** One submission of the evaluation stream and, per member, the entity it is. */
export interface EvaluationRecord {
  idempotencyKey: string;
  /** 0: first registration; 1: the same KK again (re-recorded, moved); 2: a new KK (re-registered, split). */
  phase: 0 | 1 | 2;
  kind: 'registered' | 're-recorded' | 'moved' | 'new-kk' | 'split';
  family: FamilyRecord;
  entities: string[];
}

export interface EvaluationRow {
  rowId: string;
  entity: string;
  nik: string | null;
  name: string;
  sex: Sex | null;
  birthDate: string | null;
  villageCode: string | null;
  kk: string | null;
}

class Rng {
  private readonly g: RandomGenerator;
  constructor(seed: number) {
    this.g = prand.xoroshiro128plus(seed ^ 0x3c6ef372);
  }
  int(min: number, max: number): number {
    return prand.unsafeUniformIntDistribution(min, max, this.g);
  }
  chance(p: number): boolean {
    return this.int(0, 999_999) < p * 1_000_000;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(0, list.length - 1)];
  }
  /** An index in [0, n) with P(k) proportional to 1 / (k + 1) ^ s. */
  zipf(n: number, s: number, cumulative: number[]): number {
    if (cumulative.length !== n) {
      cumulative.length = 0;
      let total = 0;
      for (let k = 0; k < n; k++) cumulative.push((total += 1 / (k + 1) ** s));
    }
    const x = (this.int(0, 2 ** 30 - 1) / 2 ** 30) * cumulative[n - 1];
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The evaluation population and its stream of submissions (see the file comment). Deterministic for a seed. */
export function generateEvaluation(options: EvaluationOptions): { records: EvaluationRecord[]; persons: number } {
  const rng = new Rng(options.seed);
  const today = options.today ?? '2026-11-01';
  const thisYear = Number(today.slice(0, 4));
  const usedNiks = new Set<string>();
  const usedKks = new Set<string>();
  const cumulative: Record<string, number[]> = { m: [], f: [], fam: [] };

  const syllableName = (endings: readonly string[]) => {
    let s = '';
    const n = rng.int(1, 2);
    for (let i = 0; i < n; i++) s += rng.pick(ONSETS) + rng.pick(VOWELS) + (i < n - 1 ? '' : rng.pick(CODAS));
    return capital(s + rng.pick(endings));
  };
  const maleNames = [...COMMON_MALE, ...Array.from({ length: 2500 }, () => syllableName(MALE_ENDINGS))];
  const femaleNames = [...COMMON_FEMALE, ...Array.from({ length: 2500 }, () => syllableName(FEMALE_ENDINGS))];
  const familyNames = Array.from({ length: 900 }, () => syllableName([...MALE_ENDINGS, 'jaya', 'kusuma', 'putra', 'wijaya']));
  const given = (sex: Sex) => (sex === 'M' ? maleNames[rng.zipf(maleNames.length, 1.05, cumulative.m)] : femaleNames[rng.zipf(femaleNames.length, 1.05, cumulative.f)]);

  const fullName = (sex: Sex, family: string | null) => {
    const first = given(sex);
    const shape = rng.int(0, 99);
    if (shape < 30) return first; // one word, as many Javanese names are
    if (shape < 45) return `${sex === 'M' ? 'Muhammad' : 'Siti'} ${first}`;
    if (shape < 80 && family) return `${first} ${family}`;
    if (shape < 92) return `${first} ${given(sex)}`;
    return `${first} ${given(sex)} ${family ?? given(sex)}`;
  };
  const birth = (age: number) => {
    const d = addDays(`${thisYear - age}-01-01`, -rng.int(0, 364));
    return d >= today ? addDays(today, -rng.int(1, 300)) : d;
  };
  const nikFor = (district: string, date: string, sex: Sex, serial?: number): string => {
    for (let s = serial ?? rng.int(1, 9000); ; s = rng.int(1, 9000)) {
      const nik = formatNik(district, date, sex, s);
      if (!usedNiks.has(nik)) {
        usedNiks.add(nik);
        return nik;
      }
    }
  };
  const kkFor = (district: string) => {
    for (;;) {
      const kk = `${district.replace(/\./g, '')}${pad(rng.int(1, 28))}${pad(rng.int(1, 12))}${pad(rng.int(10, 26))}${pad(rng.int(1, 9999), 4)}`;
      if (!usedKks.has(kk)) {
        usedKks.add(kk);
        return kk;
      }
    }
  };
  let entities = 0;
  const person = (district: string, sex: Sex, birthDate: string, relationship: number, name: string, serial?: number): Person => ({
    entity: `e${entities++}`,
    nik: nikFor(district, birthDate, sex, serial),
    name,
    sex,
    birthDate,
    relationship,
  });

  const households: Household[] = [];
  for (let n = 0; n < options.families; n++) {
    const village = rng.pick(options.villages);
    const district = village.slice(0, 8);
    const clan = rng.chance(0.25) ? rng.pick(CLANS) : rng.chance(0.5) ? familyNames[rng.zipf(familyNames.length, 0.9, cumulative.fam)] : null;
    const headSex: Sex = rng.chance(0.88) ? 'M' : 'F';
    const headAge = rng.int(20, 88);
    const head = person(district, headSex, birth(headAge), 1, fullName(headSex, clan));
    const members: Person[] = [head];
    if (headSex === 'M' && rng.chance(0.82)) members.push(person(district, 'F', birth(Math.max(17, headAge - rng.int(-3, 10))), 3, fullName('F', null)));
    const children = headAge < 21 ? 0 : rng.int(0, Math.min(6, Math.floor((headAge - 19) / 3)));
    for (let c = 0; c < children; c++) {
      const age = rng.int(0, Math.min(35, headAge - 19));
      const sex: Sex = rng.chance(0.5) ? 'M' : 'F';
      const juniorName = sex === 'M' && headSex === 'M' && rng.chance(0.04) ? head.name : fullName(sex, clan);
      const child = person(district, sex, birth(age), 4, juniorName);
      members.push(child);
      if (rng.chance(0.03)) {
        // Twins: the same birth date, the next NIK serial, a name of their own (often sharing a part).
        const twinSex: Sex = rng.chance(0.6) ? sex : sex === 'M' ? 'F' : 'M';
        const serial = Number(child.nik.slice(12)) + 1;
        const twinName = clan ? `${given(twinSex)} ${clan}` : `${given(twinSex)} ${juniorName.split(' ').slice(1).join(' ')}`.trim();
        members.push(person(district, twinSex, child.birthDate, 4, twinName === juniorName ? `${given(twinSex)}` : twinName, serial));
        c += 1;
      }
    }
    if (headAge < 58 && rng.chance(0.12)) members.push(person(district, rng.chance(0.35) ? 'M' : 'F', birth(headAge + rng.int(19, 35)), 7, fullName(rng.chance(0.35) ? 'M' : 'F', null)));
    households.push({ kk: kkFor(district), village, members });
  }

  // How a cadre writes a person down again.
  const variantName = (name: string, sex: Sex): string => {
    let parts = name.split(' ');
    if (parts[0] === 'Muhammad' && parts.length > 1) {
      if (rng.chance(0.4)) parts[0] = rng.pick(MUHAMMAD_FORMS);
      else if (rng.chance(0.15)) parts = parts.slice(1);
    } else if (sex === 'M' && rng.chance(0.03)) parts.unshift(rng.pick(MUHAMMAD_FORMS));
    if (parts.length > 1 && rng.chance(0.1)) parts.splice(rng.int(1, parts.length - 1), 1);
    else if (rng.chance(0.05)) parts.push(given(sex));
    if (parts.length > 1 && rng.chance(0.05)) {
      const i = rng.int(0, parts.length - 2);
      parts[i] = `${parts[i][0]}.`;
    }
    if (rng.chance(0.1)) {
      const i = rng.int(0, parts.length - 1);
      parts[i] = typo(parts[i]);
    }
    if (rng.chance(0.08)) parts = parts.map((p) => p.replace(/u/g, 'oe').replace(/j/g, 'dj').replace(/c/g, 'tj').replace(/^Y/, 'J').replace(/y/g, 'j'));
    if (rng.chance(0.06)) parts.unshift(rng.pick(TITLES_BEFORE.filter((t) => (sex === 'F' ? t !== 'H.' : t !== 'Hj.' && t !== 'Ny.' && t !== 'Dra.'))));
    if (rng.chance(0.05)) parts.push(`${parts.pop()},`, rng.pick(DEGREES));
    const text = parts.join(' ');
    return rng.chance(0.35) ? text.toUpperCase() : rng.chance(0.1) ? text.toLowerCase() : text;
  };
  const typo = (part: string): string => {
    if (part.length < 4) return part;
    const i = rng.int(1, part.length - 2);
    switch (rng.int(0, 3)) {
      case 0:
        return part.slice(0, i) + part.slice(i + 1);
      case 1:
        return part.slice(0, i) + rng.pick(['a', 'i', 'u', 'e', 'y', 'h', 'n']) + part.slice(i);
      case 2:
        return part.slice(0, i) + rng.pick(['a', 'i', 'u', 'e', 'o', 'r', 'n']) + part.slice(i + 1);
      default:
        return part.slice(0, i) + part[i + 1] + part[i] + part.slice(i + 2);
    }
  };
  const variantDate = (date: string): string => {
    const [y, m, d] = date.split('-');
    let out = date;
    const r = rng.int(0, 999);
    if (r < 50) out = addDays(date, rng.chance(0.5) ? 1 : -1);
    else if (r < 90 && Number(d) <= 12 && d !== m) out = `${y}-${d}-${m}`;
    else if (r < 120) out = `${Number(y) + (rng.chance(0.5) ? 1 : -1)}-${m}-${d === '29' && m === '02' ? '28' : d}`;
    else if (r < 160) out = `${y}-${rng.chance(0.5) ? '01-01' : '07-01'}`;
    return out >= today ? date : out;
  };
  const variantNik = (nik: string, missing: number): string | undefined => {
    if (rng.chance(missing)) return undefined;
    if (rng.chance(0.04)) {
      const i = rng.int(12, 15);
      return nik.slice(0, i) + String((Number(nik[i]) + rng.int(1, 9)) % 10) + nik.slice(i + 1);
    }
    if (rng.chance(0.02)) {
      const i = rng.int(12, 14);
      return nik.slice(0, i) + nik[i + 1] + nik[i] + nik.slice(i + 2);
    }
    return nik;
  };
  const recordOf = (h: Household, village: string, members: Person[], corrupt: boolean, nikMissing: number, kk = h.kk): { family: FamilyRecord; entities: string[] } => {
    const list: MemberRecord[] = members.map((p) => {
      const m: MemberRecord = { name: p.name, sex: p.sex, birthDate: p.birthDate, relationship: p.relationship };
      const nik = corrupt ? variantNik(p.nik, nikMissing) : rng.chance(nikMissing) ? undefined : p.nik;
      if (nik) m.nik = nik;
      if (corrupt) {
        m.name = variantName(p.name, p.sex);
        m.birthDate = variantDate(p.birthDate);
      }
      return m;
    });
    // Two members left with the same NIK by a typo would be refused whole: keep the first one's.
    const seen = new Set<string>();
    for (const m of list) {
      if (m.nik && seen.has(m.nik)) delete m.nik;
      else if (m.nik) seen.add(m.nik);
    }
    return {
      family: {
        kk,
        address: { villageCode: village, rt: pad(rng.int(1, 15), 3), rw: pad(rng.int(1, 9), 3) },
        members: list,
        welfareDecile: rng.int(1, 10),
        housing: { floorAreaM2: rng.int(10, 200) },
      },
      entities: members.map((p) => p.entity),
    };
  };

  const records: EvaluationRecord[] = [];
  let key = 0;
  const push = (phase: EvaluationRecord['phase'], kind: EvaluationRecord['kind'], r: { family: FamilyRecord; entities: string[] }) =>
    records.push({ idempotencyKey: `eval-${options.seed}-${key++}`, phase, kind, ...r });

  for (const h of households) push(0, 'registered', recordOf(h, h.village, h.members, false, 0.12));
  for (const h of households) {
    const r = rng.int(0, 999);
    if (r < 300) {
      // Re-recorded under the same KK: someone left out now and then, a newborn now and then.
      let members = h.members.filter((m) => m.relationship === 1 || !rng.chance(0.05));
      if (rng.chance(0.08) && h.members.some((m) => m.relationship === 3)) {
        const baby = person(h.village.slice(0, 8), rng.chance(0.5) ? 'M' : 'F', addDays(today, -rng.int(5, 200)), 4, fullName(rng.chance(0.5) ? 'M' : 'F', null));
        h.members.push(baby);
        members = [...members, baby];
      }
      push(1, 're-recorded', recordOf(h, h.village, members, true, 0.3));
    } else if (r < 380) {
      const far = rng.chance(0.4) ? rng.pick(options.villages) : rng.pick(options.villages.filter((v) => v.startsWith(h.village.slice(0, 8))));
      push(1, 'moved', recordOf(h, far, h.members, true, 0.3));
    } else if (r < 440) {
      const village = rng.chance(0.3) ? rng.pick(options.villages) : h.village;
      push(2, 'new-kk', recordOf(h, village, h.members, true, 0.45, kkFor(village.slice(0, 8))));
    } else if (r < 490) {
      const adult = h.members.find((m) => m.relationship === 4 && Number(m.birthDate.slice(0, 4)) <= thisYear - 20);
      if (!adult) continue;
      const village = rng.chance(0.5) ? h.village : rng.pick(options.villages);
      const district = village.slice(0, 8);
      const spouseSex: Sex = adult.sex === 'M' ? 'F' : 'M';
      const spouse = person(district, spouseSex, birth(thisYear - Number(adult.birthDate.slice(0, 4)) + rng.int(-3, 4)), adult.sex === 'M' ? 3 : 1, fullName(spouseSex, null));
      const newHead = { ...adult, relationship: adult.sex === 'M' ? 1 : 3 };
      push(2, 'split', recordOf({ ...h, members: [] }, village, adult.sex === 'M' ? [newHead, spouse] : [spouse, newHead], true, 0.3, kkFor(district)));
    }
  }
  return { records, persons: entities };
}

/**
 * The evaluation population as person lists: every member-record of the stream as a row (for
 * deduplication of one list), with the entity it is. Records of the same person are the true pairs.
 */
export function evaluationRows(records: ReadonlyArray<EvaluationRecord>): EvaluationRow[] {
  const rows: EvaluationRow[] = [];
  for (const r of records) {
    r.family.members.forEach((m, i) => {
      rows.push({
        rowId: `r${rows.length}`,
        entity: r.entities[i],
        nik: m.nik ?? null,
        name: m.name,
        sex: m.sex,
        birthDate: m.birthDate,
        villageCode: r.family.address.villageCode,
        kk: r.family.kk,
      });
    });
  }
  return rows;
}
