import { z } from 'zod';
import { FamilyAttributes, MemberAttributes } from './family-record';
import { IsoDate, Relationship, Sex } from './primitives';

/** A member of a family in the registry (golden values). */
export const MemberState = z.object({
  personId: z.uuid(),
  nik: z.string().nullable(),
  name: z.string(),
  sex: Sex,
  birthDate: IsoDate,
  relationship: Relationship,
  /** Everything else recorded about the person (most recent accepted submission). */
  attributes: MemberAttributes.default({}),
});
export type MemberState = z.infer<typeof MemberState>;

/** Region codes of an address, from village up to province (Kemendagri codes). */
export const RegionPath = z.object({
  villageCode: z.string(),
  districtCode: z.string(),
  regencyCode: z.string(),
  provinceCode: z.string(),
});
export type RegionPath = z.infer<typeof RegionPath>;

/** The registry's full state of one family, as carried in change events. */
export const FamilyState = z.object({
  familyId: z.uuid(),
  kk: z.string(),
  version: z.number().int().min(1),
  address: RegionPath.extend({ rt: z.string(), rw: z.string(), street: z.string().optional() }),
  members: z.array(MemberState),
  /** Housing, welfare decile, family planning, disaster exposure, access (most recent submission). */
  attributes: FamilyAttributes.default({}),
});
export type FamilyState = z.infer<typeof FamilyState>;

export const FieldChange = z.object({
  path: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type FieldChange = z.infer<typeof FieldChange>;
