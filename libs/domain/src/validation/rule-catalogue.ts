/**
 * The validation rule catalogue: every rule the platform knows, with a stable code, a default
 * severity, the field it concerns, and what a cadre reads (Indonesian and English). Which rules are
 * active, their severities and thresholds come from a versioned rule set (rule-set.ts).
 * docs/validation-rules.md is generated from this file (`npm run docs:rules`).
 */
export type Severity = 'error' | 'warning';
export type RuleCategory = 'structure' | 'identifiers' | 'regions' | 'family' | 'plausibility';

export interface RuleDefinition {
  category: RuleCategory;
  severity: Severity;
  /** The field path the rule reports on (`members.N` for each member). */
  field: string;
  description: string;
  message: { id: string; en: string };
  /** Thresholds a rule set may change. */
  params?: Record<string, number>;
}

export const RULE_CATALOGUE = {
  SCHEMA_INVALID: {
    category: 'structure',
    severity: 'error',
    field: '(the field named in the path)',
    description: 'A field is missing, has the wrong type, is not one of its coded values, or is too long or too many.',
    message: { id: 'Isian tidak sesuai format', en: 'The field does not have the required format' },
  },
  UNKNOWN_FIELD: {
    category: 'structure',
    severity: 'error',
    field: '(the unknown field)',
    description: 'A field that is not in the documented schema. Unknown fields are rejected, never stored.',
    message: { id: 'Isian tidak dikenal', en: 'Unknown field' },
  },
  KK_FORMAT: {
    category: 'identifiers',
    severity: 'error',
    field: 'kk',
    description: 'The KK number is not 16 digits.',
    message: { id: 'Nomor KK harus 16 digit angka', en: 'The KK number must be 16 digits' },
  },
  KK_DISTRICT_UNKNOWN: {
    category: 'identifiers',
    severity: 'error',
    field: 'kk',
    description: 'The first six digits of the KK number are not a district in the official region list.',
    message: { id: 'Kode kecamatan pada nomor KK tidak dikenal', en: 'The district code in the KK number is unknown' },
  },
  NIK_MISSING: {
    category: 'identifiers',
    severity: 'warning',
    field: 'members.N.nik',
    description: 'No NIK recorded for the member (a newborn, or the card was not at hand): the registry matches the person by name, birth date, sex and family instead.',
    message: { id: 'NIK belum dicatat; lengkapi bila sudah ada', en: 'No NIK recorded; add it once known' },
  },
  NIK_FORMAT: {
    category: 'identifiers',
    severity: 'error',
    field: 'members.N.nik',
    description: 'The NIK is not 16 digits.',
    message: { id: 'NIK harus 16 digit angka', en: 'The NIK must be 16 digits' },
  },
  NIK_DATE_INVALID: {
    category: 'identifiers',
    severity: 'error',
    field: 'members.N.nik',
    description: 'The birth-date part of the NIK is not a real date (day 01-31 for men, 41-71 for women; month 01-12).',
    message: { id: 'Tanggal lahir di dalam NIK tidak valid', en: 'The birth date inside the NIK is not a valid date' },
  },
  NIK_DISTRICT_UNKNOWN: {
    category: 'identifiers',
    severity: 'error',
    field: 'members.N.nik',
    description: 'The first two digits of the NIK are not a province: the NIK cannot be right.',
    message: { id: 'Kode provinsi pada NIK tidak dikenal', en: 'The province code in the NIK is unknown' },
  },
  NIK_DISTRICT_HISTORICAL: {
    category: 'identifiers',
    severity: 'warning',
    field: 'members.N.nik',
    description: 'The province of the NIK exists but its district code is not a current district: probably a district since split or renamed (the NIK keeps the district of first registration).',
    message: { id: 'Kode kecamatan pada NIK tidak ada di daftar wilayah terkini', en: 'The district code in the NIK is not in the current region list' },
  },
  NIK_DATE_MISMATCH: {
    category: 'identifiers',
    severity: 'warning',
    field: 'members.N.birthDate',
    description: 'The birth date inside the NIK differs from the recorded birth date (the NIK may be wrong, or the date).',
    message: { id: 'Tanggal lahir berbeda dengan tanggal di NIK', en: 'The birth date differs from the date in the NIK' },
  },
  NIK_SEX_MISMATCH: {
    category: 'identifiers',
    severity: 'warning',
    field: 'members.N.sex',
    description: 'The sex implied by the NIK (day + 40 for women) differs from the recorded sex.',
    message: { id: 'Jenis kelamin berbeda dengan yang tersirat di NIK', en: 'The sex differs from the one implied by the NIK' },
  },
  NIK_DUPLICATE_IN_FAMILY: {
    category: 'identifiers',
    severity: 'error',
    field: 'members.N.nik',
    description: 'The same NIK appears twice in one family.',
    message: { id: 'NIK yang sama tercatat dua kali dalam satu keluarga', en: 'The same NIK appears twice in the family' },
  },
  VILLAGE_UNKNOWN: {
    category: 'regions',
    severity: 'error',
    field: 'address.villageCode',
    description: 'The village code is not a kelurahan/desa in the official region list (form PP.RR.DD.VVVV).',
    message: { id: 'Kode kelurahan/desa tidak dikenal', en: 'The village code is unknown' },
  },
  REGION_MISMATCH: {
    category: 'regions',
    severity: 'error',
    field: 'address.districtCode | regencyCode | provinceCode',
    description: 'A stated district, regency/city or province is not the one the village belongs to.',
    message: { id: 'Wilayah tidak sesuai dengan kelurahan/desa', en: 'The region does not contain the village' },
  },
  RT_RW_FORMAT: {
    category: 'regions',
    severity: 'error',
    field: 'address.rt | address.rw',
    description: 'RT and RW are numbers of one to three digits, not zero (e.g. 001).',
    message: { id: 'RT/RW harus angka 1 sampai 3 digit', en: 'RT/RW must be a number of 1 to 3 digits' },
  },
  HEAD_COUNT: {
    category: 'family',
    severity: 'error',
    field: 'members',
    description: 'A family has exactly one head (relationship 1, kepala keluarga).',
    message: { id: 'Keluarga harus memiliki tepat satu kepala keluarga', en: 'A family must have exactly one head' },
  },
  SPOUSE_SEX: {
    category: 'family',
    severity: 'warning',
    field: 'members.N.sex',
    description: 'A husband (relationship 2) is recorded as a woman, or a wife (relationship 3) as a man.',
    message: { id: 'Jenis kelamin tidak sesuai dengan hubungan suami/istri', en: 'The sex does not match the husband/wife relationship' },
  },
  SPOUSE_NOT_MARRIED: {
    category: 'family',
    severity: 'warning',
    field: 'members.N.maritalStatus',
    description: 'A husband or wife, or a head with a spouse in the family, has a marital status other than kawin.',
    message: { id: 'Status perkawinan tidak sesuai dengan adanya suami/istri', en: 'The marital status does not match a husband or wife in the family' },
  },
  CHILD_PARENT_AGE_GAP: {
    category: 'family',
    severity: 'warning',
    field: 'members.N.birthDate',
    description: 'A child (relationship 4) is less than `minYears` younger than the head or the head\'s spouse.',
    message: { id: 'Selisih umur anak dan orang tua terlalu kecil', en: 'The child is too close in age to a parent' },
    params: { minYears: 10 },
  },
  AGE_OUT_OF_RANGE: {
    category: 'plausibility',
    severity: 'error',
    field: 'members.N.birthDate',
    description: 'An age above `maxYears` years.',
    message: { id: 'Umur tidak wajar', en: 'The age is implausible' },
    params: { maxYears: 120 },
  },
  BIRTH_DATE_FUTURE: {
    category: 'plausibility',
    severity: 'error',
    field: 'members.N.birthDate',
    description: 'A birth date in the future.',
    message: { id: 'Tanggal lahir tidak boleh di masa depan', en: 'The birth date cannot be in the future' },
  },
  MEASUREMENT_DATE_INVALID: {
    category: 'plausibility',
    severity: 'error',
    field: 'members.N.measurement.measuredOn',
    description: 'A measurement dated in the future or before the child was born.',
    message: { id: 'Tanggal pengukuran tidak wajar', en: 'The measurement date is implausible' },
  },
  PREGNANT_MALE: {
    category: 'plausibility',
    severity: 'error',
    field: 'members.N.pregnant',
    description: 'A man recorded as pregnant or breastfeeding.',
    message: { id: 'Laki-laki tidak dapat hamil atau menyusui', en: 'A man cannot be pregnant or breastfeeding' },
  },
  PREGNANCY_AGE: {
    category: 'plausibility',
    severity: 'warning',
    field: 'members.N.pregnant',
    description: 'A pregnant woman younger than `minAge` or older than `maxAge`.',
    message: { id: 'Umur ibu hamil tidak wajar', en: 'The age of the pregnant woman is implausible' },
    params: { minAge: 10, maxAge: 55 },
  },
  SCHOOL_AGE_INCONSISTENT: {
    category: 'plausibility',
    severity: 'warning',
    field: 'members.N.schoolParticipation',
    description: 'Attending school at an age below `minAge` or above `maxAge`, or an education level above never-schooled for a child under `minAge`.',
    message: { id: 'Partisipasi sekolah tidak sesuai umur', en: 'School participation does not fit the age' },
    params: { minAge: 5, maxAge: 30 },
  },
  ANTHROPOMETRY_IMPLAUSIBLE: {
    category: 'plausibility',
    severity: 'warning',
    field: 'members.N.measurement',
    description: 'For a child under five, a length/height-for-age z-score beyond -6..6, weight-for-age beyond -6..5 or weight-for-length/height beyond -5..5 on the WHO Child Growth Standards: probably a measuring or typing error.',
    message: { id: 'Hasil pengukuran tinggi/berat badan tidak wajar (periksa ulang)', en: 'The height/weight measurement is implausible (measure again)' },
  },
} as const satisfies Record<string, RuleDefinition>;

export type RuleCode = keyof typeof RULE_CATALOGUE;
export const RULE_CODES = Object.keys(RULE_CATALOGUE) as RuleCode[];
