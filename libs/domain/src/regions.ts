import type { RegionPath } from '@satupintu/contracts';

/** Kemendagri region code of a village: PP.RR.DD.VVVV (fourth part 1xxx kelurahan, 2xxx desa). */
export const VILLAGE_CODE = /^\d{2}\.\d{2}\.\d{2}\.\d{4}$/;

/** The region path of a well-formed village code, or null. */
export function regionPathOf(villageCode: string): RegionPath | null {
  if (!VILLAGE_CODE.test(villageCode)) return null;
  const [p, r, d] = villageCode.split('.');
  return { villageCode, districtCode: `${p}.${r}.${d}`, regencyCode: `${p}.${r}`, provinceCode: p };
}

export type RegionLevelName = 'country' | 'province' | 'regency' | 'district' | 'village';
export const COUNTRY_CODE = 'ID';

/** The level of a region code: ID, 31, 31.01, 31.01.01, 31.01.01.1001. */
export function levelOf(code: string): RegionLevelName | null {
  if (code === COUNTRY_CODE) return 'country';
  if (/^\d{2}$/.test(code)) return 'province';
  if (/^\d{2}\.\d{2}$/.test(code)) return 'regency';
  if (/^\d{2}\.\d{2}\.\d{2}$/.test(code)) return 'district';
  if (VILLAGE_CODE.test(code)) return 'village';
  return null;
}

export function parentOf(code: string): string | null {
  const level = levelOf(code);
  if (level === null || level === 'country') return null;
  if (level === 'province') return COUNTRY_CODE;
  return code.slice(0, code.lastIndexOf('.'));
}

/** The village's region and all its ancestors up to the country, village first. */
export function ancestry(path: RegionPath): string[] {
  return [path.villageCode, path.districtCode, path.regencyCode, path.provinceCode, COUNTRY_CODE];
}
