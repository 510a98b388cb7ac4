import { z } from 'zod';
import { FamilyRecord } from '../family-record';
import { EventBase, IsoDate, IsoTimestamp, Provenance, ValidationIssue } from '../primitives';

/** A record that passed validation (possibly with warnings), ready for the registry. */
export const FamilyValidatedV1 = EventBase.extend({
  recordId: z.uuid(),
  revision: z.number().int().min(1),
  receivedAt: IsoTimestamp,
  ruleSetVersion: z.string(),
  family: FamilyRecord,
  warnings: z.array(ValidationIssue),
  /** Carried from the submission: which agency list, job, file and rows. */
  provenance: Provenance.optional(),
  /** Carried from the submission: the day the family was recorded in the field. */
  collectedOn: IsoDate.optional(),
  /** Carried from the submission: match, but do not register. */
  dryRun: z.literal(true).optional(),
});
export type FamilyValidatedV1 = z.infer<typeof FamilyValidatedV1>;
