import type { FamilyRecord, MemberRecord, Sex } from '@satupintu/contracts';
import { ageOn, formatNik, lmsValue, whoGrowthTables } from '@satupintu/domain';
import prand, { type RandomGenerator } from 'pure-rand';
import { FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES } from './names';

export interface GeneratorOptions {
  count: number;
  /** Village codes to place families in (e.g. every village of 31.01). */
  villages: string[];
  seed: number;
  /** Share of records that resubmit an earlier family under a new key (a cadre visiting twice). */
  duplicateRate?: number;
  /** Share of records made invalid on purpose (the validation must reject them). */
  errorRate?: number;
  /** Reference date for ages (YYYY-MM-DD). */
  today?: string;
  /** Prefix of idempotency keys, so separate runs do not collide. */
  keyPrefix?: string;
}

export interface GeneratedRecord {
  idempotencyKey: string;
  family: FamilyRecord | Record<string, unknown>;
}

/** What the generator knows about each record, written beside the data. */
export interface GroundTruth {
  idempotencyKey: string;
  kk: string;
  expected: 'registered' | 'rejected';
  /** For a duplicate: the key of the record it repeats (same family, same persons). */
  duplicateOf?: string;
  /** For an injected error: what was broken. */
  defect?: string;
  members: number;
}

const DEFECTS = ['nik-too-short', 'two-heads', 'unknown-village', 'kk-letters', 'birth-in-future'] as const;

/**
 * Realistic synthetic families: Indonesian names, NIKs consistent with district, birth date and sex,
 * KK numbers from the family's district, plausible structures (head, spouse, children, sometimes an
 * elderly parent), with configurable duplicate and error rates and the ground truth. Deterministic
 * for a given seed.
 */
export function generateFamilies(options: GeneratorOptions): { records: GeneratedRecord[]; truth: GroundTruth[] } {
  const rng: RandomGenerator = prand.xoroshiro128plus(options.seed);
  const int = (min: number, max: number) => prand.unsafeUniformIntDistribution(min, max, rng);
  const chance = (p: number) => int(0, 999_999) < p * 1_000_000;
  const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)];
  // A second stream for the attributes the dashboard reads (employment, education, access...), so
  // adding them did not change the families, names and NIKs earlier seeds produce.
  const extraRng: RandomGenerator = prand.xoroshiro128plus(options.seed ^ 0x5a719);
  const xint = (min: number, max: number) => prand.unsafeUniformIntDistribution(min, max, extraRng);
  const xchance = (p: number) => xint(0, 999_999) < p * 1_000_000;
  const xpick = <T>(list: readonly T[]): T => list[xint(0, list.length - 1)];
  const today = options.today ?? '2026-11-01';
  const thisYear = Number(today.slice(0, 4));
  const prefix = options.keyPrefix ?? `gen-${options.seed}`;
  const usedNiks = new Set<string>();
  const usedKks = new Set<string>();

  const birthDate = (age: number) => {
    const year = thisYear - age - (chance(0.5) ? 1 : 0);
    const month = int(1, 12);
    const day = int(1, 28);
    const d = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    return d > today ? `${year - 1}${d.slice(4)}` : d;
  };
  const nikFor = (district: string, date: string, sex: Sex) => {
    for (;;) {
      const nik = formatNik(district, date, sex, int(1, 9999));
      if (!usedNiks.has(nik)) {
        usedNiks.add(nik);
        return nik;
      }
    }
  };
  const kkFor = (district: string) => {
    for (;;) {
      const kk = `${district.replace(/\./g, '')}${String(int(1, 28)).padStart(2, '0')}${String(int(1, 12)).padStart(2, '0')}${String(int(0, 25)).padStart(2, '0')}${String(int(1, 9999)).padStart(4, '0')}`;
      if (!usedKks.has(kk)) {
        usedKks.add(kk);
        return kk;
      }
    }
  };
  // Roughly normal z-scores (sum of three uniforms), centred below zero as in Indonesian surveys.
  const normalish = (mean: number) => mean + ((int(0, 1000) + int(0, 1000) + int(0, 1000)) / 1000 - 1.5) * 2;
  const growth = whoGrowthTables();
  const measurement = (sex: Sex, birth: string): MemberRecord['measurement'] => {
    const measuredOn = addDays(today, -int(0, 60));
    if (measuredOn < birth) return undefined;
    const days = Math.round((Date.parse(measuredOn) - Date.parse(birth)) / 86_400_000);
    const s = sex === 'M' ? 0 : 1;
    const hLms = growth.lengthForAge[s].get(days);
    const wLms = growth.weightForAge[s].get(days);
    if (!hLms || !wLms) return undefined;
    return {
      measuredOn,
      heightCm: Math.round(lmsValue(normalish(-1), hLms) * 10) / 10,
      weightKg: Math.round(lmsValue(normalish(-0.6), wLms) * 10) / 10,
      position: days < 731 ? 'lying' : 'standing',
    };
  };
  const person = (district: string, sex: Sex, age: number, relationship: number, familyName: string): MemberRecord => {
    const date = birthDate(age);
    const given = sex === 'M' ? pick(MALE_NAMES) : pick(FEMALE_NAMES);
    const name = chance(0.7) ? `${given} ${familyName}` : chance(0.5) ? given : `${given} ${pick(sex === 'M' ? MALE_NAMES : FEMALE_NAMES)}`;
    const member: MemberRecord = { nik: nikFor(chance(0.1) ? otherDistrict(district) : district, date, sex), name, sex, birthDate: date, relationship };
    const years = ageOn(date, today);
    if (relationship === 3 || (relationship === 1 && years >= 20)) member.maritalStatus = 'kawin';
    if (years >= 7 && years <= 18) member.schoolParticipation = chance(0.9) ? 'masih-sekolah' : 'tidak-sekolah-lagi';
    if (years < 5 && chance(0.8)) member.measurement = measurement(sex, date);
    if (years >= 15) member.employment = xpick(['bekerja', 'bekerja', 'bekerja', 'mengurus-rumah-tangga', 'mencari-kerja', 'sekolah'] as const);
    if (years >= 25) member.education = xpick(['belum-tamat-sd', 'sd', 'sd', 'sltp', 'slta', 'slta', 'slta', 'd3', 'd4-s1', 's2'] as const);
    if (xchance(0.03)) member.disability = { type: xpick(['fisik', 'sensorik', 'intelektual', 'mental', 'ganda'] as const), severity: xpick(['ringan', 'sedang', 'berat'] as const) };
    member.chronicIllness = years >= 40 ? xchance(0.2) : xchance(0.03);
    if (sex === 'F' && relationship === 3 && years < 45 && xchance(0.08)) member.pregnant = true;
    return member;
  };
  const otherDistrict = (district: string) => {
    const same = options.villages.map((v) => v.slice(0, 8)).filter((d) => d !== district);
    return same.length > 0 ? pick(same) : district;
  };

  const records: GeneratedRecord[] = [];
  const truth: GroundTruth[] = [];
  const clean: Array<{ key: string; family: FamilyRecord }> = [];
  for (let n = 0; n < options.count; n++) {
    const key = `${prefix}-${n}`;
    if (clean.length > 0 && chance(options.duplicateRate ?? 0)) {
      const original = pick(clean);
      records.push({ idempotencyKey: key, family: structuredClone(original.family) });
      truth.push({ idempotencyKey: key, kk: original.family.kk, expected: 'registered', duplicateOf: original.key, members: original.family.members.length });
      continue;
    }
    const village = pick(options.villages);
    const district = village.slice(0, 8);
    const familyName = pick(FAMILY_NAMES);
    const headAge = int(22, 85);
    const headSex: Sex = chance(0.85) ? 'M' : 'F';
    const members: MemberRecord[] = [person(district, headSex, headAge, 1, familyName)];
    if (headSex === 'M' && chance(0.8)) members.push(person(district, 'F', Math.max(18, headAge - int(0, 8)), 3, familyName));
    const children = headAge < 20 ? 0 : int(0, Math.min(5, Math.floor((headAge - 18) / 3)));
    for (let c = 0; c < children; c++) {
      members.push(person(district, chance(0.5) ? 'M' : 'F', Math.max(0, int(0, Math.min(30, headAge - 19))), 4, familyName));
    }
    if (headAge < 55 && chance(0.1)) members.push(person(district, chance(0.4) ? 'M' : 'F', int(headAge + 18, Math.min(headAge + 40, 98)), 7, pick(FAMILY_NAMES)));
    for (const m of members) m.healthInsurance = pick(['tidak-ada', 'jkn-pbi', 'jkn-pbi', 'jkn-mandiri', 'jkn-pekerja'] as const);
    const family: FamilyRecord = {
      kk: kkFor(district),
      address: { villageCode: village, rt: String(int(1, 20)).padStart(3, '0'), rw: String(int(1, 12)).padStart(3, '0') },
      members,
      welfareDecile: int(1, 10),
      housing: {
        ownership: pick(['milik-sendiri', 'milik-sendiri', 'sewa', 'menumpang'] as const),
        floorAreaM2: int(12, 120),
        floor: pick(['keramik', 'keramik', 'semen', 'kayu', 'tanah'] as const),
        sanitation: pick(['jamban-sendiri', 'jamban-sendiri', 'jamban-bersama', 'tidak-ada'] as const),
      },
    };
    Object.assign(family.housing!, {
      wall: xpick(['tembok', 'tembok', 'tembok', 'kayu', 'bambu'] as const),
      roof: xpick(['genteng', 'genteng', 'seng', 'asbes', 'beton'] as const),
      drinkingWater: xpick(['ledeng', 'air-kemasan', 'air-kemasan', 'sumur-bor', 'sumur-terlindung', 'sumur-tak-terlindung', 'sungai'] as const),
      electricity: xpick(['pln-meter', 'pln-meter', 'pln-meter', 'pln-tanpa-meter', 'non-pln'] as const),
      cookingFuel: xpick(['gas', 'gas', 'gas', 'listrik', 'kayu-bakar', 'minyak-tanah'] as const),
    });
    if (members.some((m) => m.relationship === 3)) family.familyPlanning = { contraception: xchance(0.6) };
    family.disaster = { floodProne: xchance(0.2), landslideProne: xchance(0.05) };
    family.internetAccess = xchance(0.7);
    family.smartphone = xchance(0.8);
    family.transport = { mainMode: xpick(['sepeda-motor', 'sepeda-motor', 'angkutan-umum', 'jalan-kaki', 'mobil', 'ojek'] as const), motorVehicle: xchance(0.75) };
    if (chance(options.errorRate ?? 0)) {
      const defect = pick(DEFECTS);
      records.push({ idempotencyKey: key, family: breakFamily(family, defect, thisYear) });
      truth.push({ idempotencyKey: key, kk: family.kk, expected: 'rejected', defect, members: members.length });
      continue;
    }
    clean.push({ key, family });
    records.push({ idempotencyKey: key, family });
    truth.push({ idempotencyKey: key, kk: family.kk, expected: 'registered', members: members.length });
  }
  return { records, truth };
}

function breakFamily(family: FamilyRecord, defect: (typeof DEFECTS)[number], thisYear: number): FamilyRecord {
  const f = structuredClone(family);
  switch (defect) {
    case 'nik-too-short':
      f.members[0].nik = f.members[0].nik!.slice(0, 15);
      break;
    case 'two-heads':
      f.members.push({ ...f.members[0], nik: `${f.members[0].nik!.slice(0, 12)}${((Number(f.members[0].nik!.slice(12)) % 9999) + 1).toString().padStart(4, '0')}`, relationship: 1 });
      break;
    case 'unknown-village':
      f.address.villageCode = '99.99.99.9999';
      break;
    case 'kk-letters':
      f.kk = `KK${f.kk.slice(2)}`;
      break;
    case 'birth-in-future':
      f.members[0].birthDate = `${thisYear + 1}-01-01`;
      break;
  }
  return f;
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
