import type { Sex } from '@satupintu/contracts';

/** The parts of a NIK: PPRRSSDDMMYYXXXX (district of first registration, birth date, serial). */
export interface NikParts {
  districtCode: string; // "31.01.01"
  day: number; // 1-31 (already minus 40 for females)
  month: number;
  yy: number; // two-digit year, century ambiguous
  sex: Sex;
  serial: string;
}

export const SIXTEEN_DIGITS = /^\d{16}$/;

/** Splits a NIK; returns null when it is not 16 digits or its date part is not a possible date. */
export function parseNik(nik: string): NikParts | null {
  if (!SIXTEEN_DIGITS.test(nik)) return null;
  const rawDay = Number(nik.slice(6, 8));
  const month = Number(nik.slice(8, 10));
  const yy = Number(nik.slice(10, 12));
  const sex: Sex = rawDay > 40 ? 'F' : 'M';
  const day = sex === 'F' ? rawDay - 40 : rawDay;
  if (day < 1 || day > 31 || month < 1 || month > 12) return null;
  // The century is unknown; a day that exists in the month for some year (29 Feb: leap years) is possible.
  if (day > daysInMonth(2000, month)) return null;
  return {
    districtCode: `${nik.slice(0, 2)}.${nik.slice(2, 4)}.${nik.slice(4, 6)}`,
    day,
    month,
    yy,
    sex,
    serial: nik.slice(12, 16),
  };
}

/** Builds a NIK from its parts (used by the synthetic data generator and tests). */
export function formatNik(districtCode: string, birthDate: string, sex: Sex, serial: number): string {
  const [y, m, d] = birthDate.split('-').map(Number);
  const day = sex === 'F' ? d + 40 : d;
  return `${districtCode.replace(/\./g, '')}${pad2(day)}${pad2(m)}${pad2(y % 100)}${String(serial).padStart(4, '0')}`;
}

/** The district-code part of a KK number (first six digits) in dotted form. */
export function kkDistrictCode(kk: string): string | null {
  if (!SIXTEEN_DIGITS.test(kk)) return null;
  return `${kk.slice(0, 2)}.${kk.slice(2, 4)}.${kk.slice(4, 6)}`;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
