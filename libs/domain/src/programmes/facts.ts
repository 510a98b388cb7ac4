import type { FamilyState, MemberState } from '@satupintu/contracts';
import { ageOn } from '../dates';
import type { GrowthTables } from '../growth/who-growth';
import { zScores } from '../growth/z-scores';

/** Values programme criteria can refer to (`person.*`, `family.*`), derived from the registry state. */
export interface FamilyFacts {
  provinceCode: string;
  regencyCode: string;
  districtCode: string;
  villageCode: string;
  memberCount: number;
  welfareDecile: number | null;
  hasPregnantMember: boolean;
  hasYoungChild: boolean;
  hasSchoolAgeChild: boolean;
  hasElderly: boolean;
  hasSevereDisability: boolean;
  ownsHouse: boolean | null;
  floorAreaPerPersonM2: number | null;
  poorHousingMaterial: boolean | null;
  hasSanitation: boolean | null;
}

export interface PersonFacts {
  age: number;
  ageMonths: number;
  sex: 'M' | 'F';
  relationship: number;
  pregnant: boolean;
  schoolParticipation: string | null;
  disabilitySeverity: string | null;
  healthInsurance: string | null;
  /** Length/height-for-age z-score of the latest measurement, under five only. */
  heightForAgeZ: number | null;
  muacCm: number | null;
}

const DAYS_UNDER_FIVE = 1856;

export function personFacts(m: MemberState, onDate: string, growth: GrowthTables): PersonFacts {
  const a = m.attributes ?? {};
  const age = ageOn(m.birthDate, onDate);
  const [by, bm, bd] = m.birthDate.split('-').map(Number);
  const [y, mo, d] = onDate.split('-').map(Number);
  const ageMonths = (y - by) * 12 + (mo - bm) - (d < bd ? 1 : 0);
  let heightForAgeZ: number | null = null;
  const ms = a.measurement;
  if (ms?.heightCm !== undefined) {
    const ageDays = Math.round((Date.parse(ms.measuredOn) - Date.parse(m.birthDate)) / 86_400_000);
    if (ageDays >= 0 && ageDays <= DAYS_UNDER_FIVE && age < 5) {
      heightForAgeZ = zScores(growth, { sex: m.sex, ageDays, heightCm: ms.heightCm, position: ms.position }).haz;
    }
  }
  return {
    age,
    ageMonths,
    sex: m.sex,
    relationship: m.relationship,
    pregnant: a.pregnant === true,
    schoolParticipation: a.schoolParticipation ?? null,
    disabilitySeverity: a.disability?.severity ?? null,
    healthInsurance: a.healthInsurance ?? null,
    heightForAgeZ,
    muacCm: ms?.muacCm ?? null,
  };
}

export function familyFacts(f: FamilyState, people: PersonFacts[]): FamilyFacts {
  const h = f.attributes?.housing;
  const poor = h && (h.floor !== undefined || h.wall !== undefined || h.roof !== undefined) ? h.floor === 'tanah' || h.wall === 'bambu' || h.roof === 'rumbia' : null;
  return {
    provinceCode: f.address.provinceCode,
    regencyCode: f.address.regencyCode,
    districtCode: f.address.districtCode,
    villageCode: f.address.villageCode,
    memberCount: f.members.length,
    welfareDecile: f.attributes?.welfareDecile ?? null,
    hasPregnantMember: people.some((p) => p.pregnant),
    hasYoungChild: people.some((p) => p.age <= 6),
    hasSchoolAgeChild: people.some((p) => p.age >= 6 && p.age <= 21),
    hasElderly: people.some((p) => p.age >= 60),
    hasSevereDisability: people.some((p) => p.disabilitySeverity === 'berat'),
    ownsHouse: h?.ownership !== undefined ? h.ownership === 'milik-sendiri' : null,
    floorAreaPerPersonM2: h?.floorAreaM2 !== undefined && f.members.length > 0 ? Math.round((h.floorAreaM2 / f.members.length) * 100) / 100 : null,
    poorHousingMaterial: poor ?? null,
    hasSanitation: h?.sanitation !== undefined ? h.sanitation !== 'tidak-ada' : null,
  };
}
