import { z } from 'zod';
import { IsoDate, Relationship, Sex } from './primitives';

/**
 * A family as a cadre records it (the body of one submission record). Sizes are bounded so that no
 * record can exhaust memory. Unknown fields are rejected (strict objects): nothing unknown is stored.
 * Formats of identifiers (NIK, KK, region codes) are checked by the validation rules, which explain
 * each failure; the schema only bounds shapes and lengths.
 */
export const LIMITS = {
  membersPerFamily: 30,
  recordsPerBatch: 500,
  nameLength: 100,
  streetLength: 200,
  idempotencyKeyLength: 128,
} as const;

/** Coded values, as recorded on the KK and in the family data collection forms. */
export const MaritalStatus = z.enum(['belum-kawin', 'kawin', 'cerai-hidup', 'cerai-mati']);
export const Religion = z.enum(['islam', 'kristen', 'katolik', 'hindu', 'buddha', 'konghucu', 'kepercayaan']);
export const Education = z.enum(['tidak-belum-sekolah', 'belum-tamat-sd', 'sd', 'sltp', 'slta', 'd1-d2', 'd3', 'd4-s1', 's2', 's3']);
/** never attended, attending now, no longer attending. */
export const SchoolParticipation = z.enum(['tidak-pernah', 'masih-sekolah', 'tidak-sekolah-lagi']);
export const Employment = z.enum(['bekerja', 'tidak-bekerja', 'mencari-kerja', 'sekolah', 'mengurus-rumah-tangga']);
export const DisabilityType = z.enum(['fisik', 'intelektual', 'mental', 'sensorik', 'ganda']);
export const Severity = z.enum(['ringan', 'sedang', 'berat']);
export const HealthInsurance = z.enum(['tidak-ada', 'jkn-pbi', 'jkn-mandiri', 'jkn-pekerja', 'lainnya']);

/** A length/height and weight taken at the posyandu (children under five). */
export const Measurement = z.strictObject({
  measuredOn: IsoDate,
  heightCm: z.number().min(20).max(250).optional(),
  weightKg: z.number().min(0.2).max(300).optional(),
  position: z.enum(['lying', 'standing']).optional(),
  muacCm: z.number().min(5).max(60).optional(),
});

export const MemberRecord = z.strictObject({
  /** Absent when the person has no NIK yet (a newborn) or the cadre could not see the card. */
  nik: z.string().max(32).optional(),
  name: z.string().min(1).max(LIMITS.nameLength),
  sex: Sex,
  birthDate: IsoDate,
  birthPlace: z.string().max(LIMITS.nameLength).optional(),
  relationship: Relationship,
  maritalStatus: MaritalStatus.optional(),
  religion: Religion.optional(),
  education: Education.optional(),
  schoolParticipation: SchoolParticipation.optional(),
  employment: Employment.optional(),
  occupation: z.string().max(LIMITS.nameLength).optional(),
  disability: z.strictObject({ type: DisabilityType, severity: Severity }).optional(),
  chronicIllness: z.boolean().optional(),
  healthInsurance: HealthInsurance.optional(),
  pregnant: z.boolean().optional(),
  breastfeeding: z.boolean().optional(),
  measurement: Measurement.optional(),
});
export type MemberRecord = z.infer<typeof MemberRecord>;

export const AddressRecord = z.strictObject({
  villageCode: z.string().max(32),
  districtCode: z.string().max(32).optional(),
  regencyCode: z.string().max(32).optional(),
  provinceCode: z.string().max(32).optional(),
  rt: z.string().max(8),
  rw: z.string().max(8),
  street: z.string().max(LIMITS.streetLength).optional(),
});
export type AddressRecord = z.infer<typeof AddressRecord>;

export const Housing = z.strictObject({
  ownership: z.enum(['milik-sendiri', 'sewa', 'menumpang', 'dinas', 'lainnya']).optional(),
  floorAreaM2: z.number().min(1).max(10_000).optional(),
  floor: z.enum(['keramik', 'semen', 'kayu', 'tanah', 'lainnya']).optional(),
  wall: z.enum(['tembok', 'kayu', 'bambu', 'lainnya']).optional(),
  roof: z.enum(['genteng', 'seng', 'asbes', 'beton', 'rumbia', 'lainnya']).optional(),
  drinkingWater: z.enum(['ledeng', 'air-kemasan', 'sumur-bor', 'sumur-terlindung', 'sumur-tak-terlindung', 'mata-air', 'sungai', 'hujan', 'lainnya']).optional(),
  sanitation: z.enum(['jamban-sendiri', 'jamban-bersama', 'jamban-umum', 'tidak-ada']).optional(),
  electricity: z.enum(['pln-meter', 'pln-tanpa-meter', 'non-pln', 'tidak-ada']).optional(),
  cookingFuel: z.enum(['listrik', 'gas', 'minyak-tanah', 'kayu-bakar', 'lainnya']).optional(),
});

/** How a family mostly travels (to work, school, market). */
export const TransportMode = z.enum(['jalan-kaki', 'sepeda', 'sepeda-motor', 'mobil', 'angkutan-umum', 'ojek', 'lainnya']);

export const FamilyRecord = z.strictObject({
  /** The KK number; empty only in a record `withoutKk`. */
  kk: z.string().max(32),
  /**
   * A person from a list that gave no KK (an agency's list): `kk` is empty and the record has one
   * member; the registry finds the person, or registers them without a family.
   */
  withoutKk: z.literal(true).optional(),
  address: AddressRecord,
  members: z.array(MemberRecord).min(1).max(LIMITS.membersPerFamily),
  welfareDecile: z.number().int().min(1).max(10).optional(),
  housing: Housing.optional(),
  familyPlanning: z.strictObject({ contraception: z.boolean() }).optional(),
  disaster: z.strictObject({ floodProne: z.boolean(), landslideProne: z.boolean() }).optional(),
  internetAccess: z.boolean().optional(),
  smartphone: z.boolean().optional(),
  transport: z.strictObject({ mainMode: TransportMode, motorVehicle: z.boolean() }).optional(),
});
export type FamilyRecord = z.infer<typeof FamilyRecord>;

/** What a member record says beyond identity and relationship (kept as the person's attributes). */
export const MemberAttributes = MemberRecord.omit({ nik: true, name: true, sex: true, birthDate: true, relationship: true });
export type MemberAttributes = z.infer<typeof MemberAttributes>;

/** What a family record says beyond its KK, address and members (kept as the family's attributes). */
export const FamilyAttributes = FamilyRecord.omit({ kk: true, address: true, members: true });
export type FamilyAttributes = z.infer<typeof FamilyAttributes>;

/** One record of a submission batch as it arrives over HTTP. */
export const SubmissionRecordEnvelope = z.strictObject({
  idempotencyKey: z
    .string()
    .min(1)
    .max(LIMITS.idempotencyKeyLength)
    .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only'),
  family: z.record(z.string(), z.unknown()),
  /**
   * The day the family was recorded in the field (YYYY-MM-DD, Asia/Jakarta), when the app sends it
   * later (offline): collection progress counts the family on that day. Not in the future, at most
   * 366 days ago; without it, the day the gateway receives it.
   */
  collectedOn: z.iso.date().optional(),
});
export type SubmissionRecordEnvelope = z.infer<typeof SubmissionRecordEnvelope>;

export const SubmissionBatch = z.strictObject({
  records: z.array(z.unknown()).min(1).max(LIMITS.recordsPerBatch),
});
