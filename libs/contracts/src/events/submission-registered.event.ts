import { z } from 'zod';
import { EventBase } from '../primitives';

/** A submission record has been applied to the registry (changed it, or found nothing new). */
export const SubmissionRegisteredV1 = EventBase.extend({
  recordId: z.uuid(),
  revision: z.number().int().min(1),
  familyId: z.uuid(),
  familyVersion: z.number().int().min(1),
  changed: z.boolean(),
});
export type SubmissionRegisteredV1 = z.infer<typeof SubmissionRegisteredV1>;
