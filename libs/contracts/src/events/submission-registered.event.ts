import { z } from 'zod';
import { EventBase } from '../primitives';

/** A submission record has been applied to the registry (changed it, or found nothing new). */
export const SubmissionRegisteredV1 = EventBase.extend({
  recordId: z.uuid(),
  revision: z.number().int().min(1),
  /** The family the record is about; null for a person without a family (a record `withoutKk`). */
  familyId: z.uuid().nullable(),
  familyVersion: z.number().int().min(1).nullable(),
  changed: z.boolean(),
  /**
   * How each member of the record (in its order) was resolved: found by NIK, recognised as a
   * current member of the family, a new person, a new person merged automatically into an
   * existing one (`candidateId`), or a new person sent to review beside `candidateId`. Optional:
   * events written before it have none.
   */
  members: z
    .array(z.strictObject({ personId: z.uuid(), resolution: z.enum(['nik', 'family', 'new', 'merge', 'review']), candidateId: z.uuid().optional() }))
    .max(30)
    .optional(),
  /** A dry run's answer: what the registry would do; nothing was written. */
  dryRun: z.literal(true).optional(),
});
export type SubmissionRegisteredV1 = z.infer<typeof SubmissionRegisteredV1>;
