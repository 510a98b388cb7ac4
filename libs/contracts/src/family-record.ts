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

export const MemberRecord = z.strictObject({
  nik: z.string().max(32),
  name: z.string().min(1).max(LIMITS.nameLength),
  sex: Sex,
  birthDate: IsoDate,
  relationship: Relationship,
});
export type MemberRecord = z.infer<typeof MemberRecord>;

export const AddressRecord = z.strictObject({
  villageCode: z.string().max(32),
  rt: z.string().max(8),
  rw: z.string().max(8),
  street: z.string().max(LIMITS.streetLength).optional(),
});
export type AddressRecord = z.infer<typeof AddressRecord>;

export const FamilyRecord = z.strictObject({
  kk: z.string().max(32),
  address: AddressRecord,
  members: z.array(MemberRecord).min(1).max(LIMITS.membersPerFamily),
});
export type FamilyRecord = z.infer<typeof FamilyRecord>;

/** One record of a submission batch as it arrives over HTTP. */
export const SubmissionRecordEnvelope = z.strictObject({
  idempotencyKey: z
    .string()
    .min(1)
    .max(LIMITS.idempotencyKeyLength)
    .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only'),
  family: z.record(z.string(), z.unknown()),
});
export type SubmissionRecordEnvelope = z.infer<typeof SubmissionRecordEnvelope>;

export const SubmissionBatch = z.strictObject({
  records: z.array(z.unknown()).min(1).max(LIMITS.recordsPerBatch),
});
