import { FamilyRecord, type MemberRecord, type ValidationIssue } from '@satupintu/contracts';
import { ageOn, isRealDate } from '../dates';
import { whoGrowthTables, type GrowthTables } from '../growth/who-growth';
import { zScores } from '../growth/z-scores';
import { kkDistrictCode, parseNik, SIXTEEN_DIGITS } from '../nik';
import type { RegionCatalogue } from '../region-catalogue';
import { regionPathOf } from '../regions';
import { RULE_CATALOGUE, type RuleCode } from './rule-catalogue';
import type { ActiveRuleSet } from './rule-set';

export interface ValidationResult {
  /** The typed record when it has the documented shape. */
  family: FamilyRecord | null;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  ruleSetVersion: string;
}

export interface ValidationContext {
  regions: RegionCatalogue;
  ruleSet: ActiveRuleSet;
  /** Today (YYYY-MM-DD) in the platform's time zone. */
  today: string;
  growth?: GrowthTables;
}

const MAX_SCHEMA_ISSUES = 50;
const RT_RW = /^\d{1,3}$/;
const DAYS_UNDER_FIVE = 1856;

/**
 * Validates one submitted family against the active rule set. Never throws on any input: a record
 * that does not have the documented shape yields SCHEMA_INVALID / UNKNOWN_FIELD findings only;
 * a well-shaped one is checked by every active rule, and every finding is reported (not just the
 * first), each with its code, severity, field path and both messages.
 */
export function validateFamily(input: unknown, ctx: ValidationContext): ValidationResult {
  const found: ValidationIssue[] = [];
  const report = (code: RuleCode, path: string, detail?: string) => {
    if (!ctx.ruleSet.enabled(code)) return;
    const { message } = RULE_CATALOGUE[code];
    found.push({
      code,
      severity: ctx.ruleSet.severity(code),
      path,
      message: detail ? { id: `${message.id} (${detail})`, en: `${message.en} (${detail})` } : message,
    });
  };

  const parsed = FamilyRecord.safeParse(input);
  if (!parsed.success) {
    for (const i of parsed.error.issues.slice(0, MAX_SCHEMA_ISSUES)) {
      const path = i.path.map(String).join('.');
      if (i.code === 'unrecognized_keys') {
        for (const key of i.keys.slice(0, 10)) report('UNKNOWN_FIELD', path ? `${path}.${key}` : key);
      } else {
        report('SCHEMA_INVALID', path || '(root)', i.code);
      }
    }
    // A structure error is always an error, whatever the rule set says about severity.
    return split(null, found.map((f) => ({ ...f, severity: 'error' as const })), ctx.ruleSet.version);
  }
  const family = parsed.data;
  if (family.withoutKk) {
    // A person without a KK: one member, no KK; no family rules apply.
    if (family.kk !== '') report('SCHEMA_INVALID', 'kk', 'a record without KK has an empty kk');
    if (family.members.length !== 1) report('SCHEMA_INVALID', 'members', 'a record without KK has exactly one member');
  }
  checkIdentifiers(family, ctx, report);
  checkRegions(family, ctx, report);
  if (!family.withoutKk) checkFamily(family, ctx, report);
  family.members.forEach((m, i) => checkPlausibility(m, `members.${i}`, ctx, report));
  return split(family, found, ctx.ruleSet.version);
}

type Report = (code: RuleCode, path: string, detail?: string) => void;

function checkIdentifiers(family: FamilyRecord, ctx: ValidationContext, report: Report) {
  const kkDistrict = family.withoutKk ? undefined : kkDistrictCode(family.kk);
  if (kkDistrict === null) report('KK_FORMAT', 'kk');
  else if (kkDistrict !== undefined && !ctx.regions.has(kkDistrict)) report('KK_DISTRICT_UNKNOWN', 'kk');

  const seen = new Set<string>();
  family.members.forEach((m, i) => {
    const at = `members.${i}`;
    if (m.nik === undefined) {
      report('NIK_MISSING', `${at}.nik`);
      return;
    }
    if (seen.has(m.nik)) report('NIK_DUPLICATE_IN_FAMILY', `${at}.nik`);
    seen.add(m.nik);
    if (!SIXTEEN_DIGITS.test(m.nik)) {
      report('NIK_FORMAT', `${at}.nik`);
      return;
    }
    const nik = parseNik(m.nik);
    if (nik === null) {
      report('NIK_DATE_INVALID', `${at}.nik`);
      return;
    }
    if (!ctx.regions.has(nik.districtCode)) {
      report(ctx.regions.has(nik.districtCode.slice(0, 2)) ? 'NIK_DISTRICT_HISTORICAL' : 'NIK_DISTRICT_UNKNOWN', `${at}.nik`);
    }
    if (isRealDate(m.birthDate)) {
      const [y, mo, d] = m.birthDate.split('-').map(Number);
      if (nik.day !== d || nik.month !== mo || nik.yy !== y % 100) report('NIK_DATE_MISMATCH', `${at}.birthDate`);
    }
    if (nik.sex !== m.sex) report('NIK_SEX_MISMATCH', `${at}.sex`);
  });
}

function checkRegions(family: FamilyRecord, ctx: ValidationContext, report: Report) {
  const a = family.address;
  const path = regionPathOf(a.villageCode);
  if (path === null || !ctx.regions.has(a.villageCode)) report('VILLAGE_UNKNOWN', 'address.villageCode');
  else {
    if (a.districtCode !== undefined && a.districtCode !== path.districtCode) report('REGION_MISMATCH', 'address.districtCode');
    if (a.regencyCode !== undefined && a.regencyCode !== path.regencyCode) report('REGION_MISMATCH', 'address.regencyCode');
    if (a.provinceCode !== undefined && a.provinceCode !== path.provinceCode) report('REGION_MISMATCH', 'address.provinceCode');
  }
  if (!RT_RW.test(a.rt) || Number(a.rt) === 0) report('RT_RW_FORMAT', 'address.rt');
  if (!RT_RW.test(a.rw) || Number(a.rw) === 0) report('RT_RW_FORMAT', 'address.rw');
}

function checkFamily(family: FamilyRecord, ctx: ValidationContext, report: Report) {
  const members = family.members;
  const heads = members.filter((m) => m.relationship === 1).length;
  if (heads !== 1) report('HEAD_COUNT', 'members', `${heads}`);

  const spouses = members.filter((m) => m.relationship === 2 || m.relationship === 3);
  members.forEach((m, i) => {
    const at = `members.${i}`;
    if ((m.relationship === 2 && m.sex !== 'M') || (m.relationship === 3 && m.sex !== 'F')) report('SPOUSE_SEX', `${at}.sex`);
    const married = m.maritalStatus === undefined || m.maritalStatus === 'kawin';
    if (!married && (m.relationship === 2 || m.relationship === 3 || (m.relationship === 1 && spouses.length > 0))) {
      report('SPOUSE_NOT_MARRIED', `${at}.maritalStatus`);
    }
  });

  const minGap = ctx.ruleSet.param('CHILD_PARENT_AGE_GAP', 'minYears');
  const parents = members.filter((m) => (m.relationship === 1 || m.relationship === 2 || m.relationship === 3) && isRealDate(m.birthDate));
  members.forEach((m, i) => {
    if (m.relationship !== 4 || !isRealDate(m.birthDate)) return;
    if (parents.some((p) => ageOn(p.birthDate, m.birthDate) < minGap)) report('CHILD_PARENT_AGE_GAP', `members.${i}.birthDate`);
  });
}

function checkPlausibility(m: MemberRecord, at: string, ctx: ValidationContext, report: Report) {
  if (!isRealDate(m.birthDate) || m.birthDate > ctx.today) {
    report('BIRTH_DATE_FUTURE', `${at}.birthDate`);
    return;
  }
  const age = ageOn(m.birthDate, ctx.today);
  if (age > ctx.ruleSet.param('AGE_OUT_OF_RANGE', 'maxYears')) report('AGE_OUT_OF_RANGE', `${at}.birthDate`, `${age}`);

  if (m.sex === 'M' && (m.pregnant || m.breastfeeding)) report('PREGNANT_MALE', `${at}.${m.pregnant ? 'pregnant' : 'breastfeeding'}`);
  if (m.sex === 'F' && m.pregnant) {
    if (age < ctx.ruleSet.param('PREGNANCY_AGE', 'minAge') || age > ctx.ruleSet.param('PREGNANCY_AGE', 'maxAge')) report('PREGNANCY_AGE', `${at}.pregnant`, `${age}`);
  }

  const minSchool = ctx.ruleSet.param('SCHOOL_AGE_INCONSISTENT', 'minAge');
  const maxSchool = ctx.ruleSet.param('SCHOOL_AGE_INCONSISTENT', 'maxAge');
  if (m.schoolParticipation === 'masih-sekolah' && (age < minSchool || age > maxSchool)) report('SCHOOL_AGE_INCONSISTENT', `${at}.schoolParticipation`, `${age}`);
  else if (m.schoolParticipation === 'tidak-sekolah-lagi' && age < minSchool) report('SCHOOL_AGE_INCONSISTENT', `${at}.schoolParticipation`, `${age}`);
  if (m.education !== undefined && m.education !== 'tidak-belum-sekolah' && age < minSchool) report('SCHOOL_AGE_INCONSISTENT', `${at}.education`, `${age}`);

  const measurement = m.measurement;
  if (measurement) {
    if (!isRealDate(measurement.measuredOn) || measurement.measuredOn > ctx.today || measurement.measuredOn < m.birthDate) {
      report('MEASUREMENT_DATE_INVALID', `${at}.measurement.measuredOn`);
      return;
    }
    const ageDays = Math.round((Date.parse(measurement.measuredOn) - Date.parse(m.birthDate)) / 86_400_000);
    if (ageDays <= DAYS_UNDER_FIVE && (measurement.heightCm !== undefined || measurement.weightKg !== undefined)) {
      const z = zScores(ctx.growth ?? whoGrowthTables(), { sex: m.sex, ageDays, heightCm: measurement.heightCm, weightKg: measurement.weightKg, position: measurement.position });
      if (z.flags.length > 0) report('ANTHROPOMETRY_IMPLAUSIBLE', `${at}.measurement`, z.flags.map((f) => `${f} ${z[f]}`).join(', '));
    }
  }
}

function split(family: FamilyRecord | null, found: ValidationIssue[], ruleSetVersion: string): ValidationResult {
  return {
    family,
    errors: found.filter((i) => i.severity === 'error'),
    warnings: found.filter((i) => i.severity === 'warning'),
    ruleSetVersion,
  };
}
