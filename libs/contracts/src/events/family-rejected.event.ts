import { z } from 'zod';
import { EventBase, ValidationIssue } from '../primitives';

/** A record that failed validation, with every failing rule. */
export const FamilyRejectedV1 = EventBase.extend({
  recordId: z.uuid(),
  revision: z.number().int().min(1),
  ruleSetVersion: z.string(),
  errors: z.array(ValidationIssue).min(1),
  warnings: z.array(ValidationIssue),
});
export type FamilyRejectedV1 = z.infer<typeof FamilyRejectedV1>;
