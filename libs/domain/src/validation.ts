import { FamilyRecord, type ValidationIssue } from '@satupintu/contracts';
import { isRealDate } from './dates';
import { kkDistrictCode, parseNik } from './nik';
import type { RegionCatalogue } from './region-catalogue';
import { regionPathOf } from './regions';

export type Severity = 'error' | 'warning';

/** One rule of the catalogue: a stable code, its severity, and what a cadre reads. */
export interface RuleDefinition {
  code: string;
  severity: Severity;
  description: string;
  message: { id: string; en: string };
}

/** The rules of this rule-set version. Codes are stable: clients may key translations on them. */
export const RULES = {
  SCHEMA_INVALID: {
    severity: 'error',
    description: 'The record does not have the documented shape (missing field, wrong type, unknown field, too long).',
    message: { id: 'Isian tidak sesuai format', en: 'The field does not have the required format' },
  },
  KK_FORMAT: {
    severity: 'error',
    description: 'The KK number is not 16 digits.',
    message: { id: 'Nomor KK harus 16 digit angka', en: 'The KK number must be 16 digits' },
  },
  KK_DISTRICT_UNKNOWN: {
    severity: 'error',
    description: 'The first six digits of the KK number are not a known district.',
    message: { id: 'Kode wilayah pada nomor KK tidak dikenal', en: 'The region code in the KK number is unknown' },
  },
  NIK_FORMAT: {
    severity: 'error',
    description: 'The NIK is not 16 digits.',
    message: { id: 'NIK harus 16 digit angka', en: 'The NIK must be 16 digits' },
  },
  NIK_DATE_INVALID: {
    severity: 'error',
    description: 'The birth-date part of the NIK is not a possible date (day 01-31, or 41-71 for women; month 01-12).',
    message: { id: 'Tanggal lahir di dalam NIK tidak valid', en: 'The birth date inside the NIK is not a valid date' },
  },
  NIK_DISTRICT_UNKNOWN: {
    severity: 'warning',
    description: 'The first six digits of the NIK are not a current district (it may have been split or renamed).',
    message: { id: 'Kode wilayah pada NIK tidak ditemukan', en: 'The region code in the NIK was not found' },
  },
  NIK_DATE_MISMATCH: {
    severity: 'warning',
    description: 'The birth date inside the NIK differs from the recorded birth date.',
    message: { id: 'Tanggal lahir berbeda dengan tanggal di NIK', en: 'The birth date differs from the date in the NIK' },
  },
  NIK_SEX_MISMATCH: {
    severity: 'warning',
    description: 'The sex implied by the NIK (day + 40 for women) differs from the recorded sex.',
    message: { id: 'Jenis kelamin berbeda dengan yang tersirat di NIK', en: 'The sex differs from the one implied by the NIK' },
  },
  NIK_DUPLICATE_IN_FAMILY: {
    severity: 'error',
    description: 'The same NIK appears twice in one family.',
    message: { id: 'NIK yang sama tercatat dua kali dalam satu keluarga', en: 'The same NIK appears twice in the family' },
  },
  HEAD_COUNT: {
    severity: 'error',
    description: 'A family has exactly one head (relationship 1).',
    message: { id: 'Keluarga harus memiliki tepat satu kepala keluarga', en: 'A family must have exactly one head' },
  },
  VILLAGE_UNKNOWN: {
    severity: 'error',
    description: 'The village code is not a well-formed, existing village.',
    message: { id: 'Kode kelurahan/desa tidak dikenal', en: 'The village code is unknown' },
  },
  BIRTH_DATE_FUTURE: {
    severity: 'error',
    description: 'A birth date lies in the future or is not a real date.',
    message: { id: 'Tanggal lahir tidak boleh di masa depan', en: 'The birth date cannot be in the future' },
  },
} as const satisfies Record<string, Omit<RuleDefinition, 'code'>>;

export type RuleCode = keyof typeof RULES;
export const RULE_SET_VERSION = '2026.11-skeleton.1';

export interface ValidationResult {
  /** The typed record when it has the documented shape. */
  family: FamilyRecord | null;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  ruleSetVersion: string;
}

export interface ValidationContext {
  regions: RegionCatalogue;
  /** Today (YYYY-MM-DD) in the platform's time zone. */
  today: string;
}

function issue(code: RuleCode, path: string, detail?: string): ValidationIssue {
  const rule = RULES[code];
  return {
    code,
    severity: rule.severity,
    path,
    message: detail ? { id: `${rule.message.id} (${detail})`, en: `${rule.message.en} (${detail})` } : rule.message,
  };
}

/** Validates one submitted family. Never throws: any input yields a structured result. */
export function validateFamily(input: unknown, ctx: ValidationContext): ValidationResult {
  const found: ValidationIssue[] = [];
  const parsed = FamilyRecord.safeParse(input);
  if (!parsed.success) {
    for (const i of parsed.error.issues.slice(0, 50)) {
      found.push(issue('SCHEMA_INVALID', i.path.map(String).join('.') || '(root)', i.code));
    }
    return split(null, found);
  }
  const family = parsed.data;

  const kkDistrict = kkDistrictCode(family.kk);
  if (kkDistrict === null) found.push(issue('KK_FORMAT', 'kk'));
  else if (!ctx.regions.has(kkDistrict)) found.push(issue('KK_DISTRICT_UNKNOWN', 'kk'));

  if (regionPathOf(family.address.villageCode) === null || !ctx.regions.has(family.address.villageCode)) {
    found.push(issue('VILLAGE_UNKNOWN', 'address.villageCode'));
  }

  const heads = family.members.filter((m) => m.relationship === 1).length;
  if (heads !== 1) found.push(issue('HEAD_COUNT', 'members', `${heads}`));

  const seen = new Set<string>();
  family.members.forEach((m, i) => {
    const at = `members.${i}`;
    if (!isRealDate(m.birthDate) || m.birthDate > ctx.today) found.push(issue('BIRTH_DATE_FUTURE', `${at}.birthDate`));
    if (seen.has(m.nik)) found.push(issue('NIK_DUPLICATE_IN_FAMILY', `${at}.nik`));
    seen.add(m.nik);
    if (!/^\d{16}$/.test(m.nik)) {
      found.push(issue('NIK_FORMAT', `${at}.nik`));
      return;
    }
    const nik = parseNik(m.nik);
    if (nik === null) {
      found.push(issue('NIK_DATE_INVALID', `${at}.nik`));
      return;
    }
    if (!ctx.regions.has(nik.districtCode)) found.push(issue('NIK_DISTRICT_UNKNOWN', `${at}.nik`));
    const [, bm, bd] = m.birthDate.split('-').map(Number);
    const yy = Number(m.birthDate.slice(2, 4));
    if (nik.day !== bd || nik.month !== bm || nik.yy !== yy) found.push(issue('NIK_DATE_MISMATCH', `${at}.birthDate`));
    if (nik.sex !== m.sex) found.push(issue('NIK_SEX_MISMATCH', `${at}.sex`));
  });
  return split(family, found);
}

function split(family: FamilyRecord | null, found: ValidationIssue[]): ValidationResult {
  return {
    family,
    errors: found.filter((i) => i.severity === 'error'),
    warnings: found.filter((i) => i.severity === 'warning'),
    ruleSetVersion: RULE_SET_VERSION,
  };
}
