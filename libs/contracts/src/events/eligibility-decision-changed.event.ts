import { z } from 'zod';
import { EventBase, IsoDate } from '../primitives';

export const CriterionResult = z.object({
  criterion: z.string(),
  value: z.unknown(),
  passed: z.boolean(),
});
export type CriterionResult = z.infer<typeof CriterionResult>;

/** A person's eligibility for a programme changed (or was decided for the first time). */
export const EligibilityDecisionChangedV1 = EventBase.extend({
  familyId: z.uuid(),
  personId: z.uuid(),
  programmeId: z.string(),
  programmeVersion: z.number().int().min(1),
  eligible: z.boolean(),
  previouslyEligible: z.boolean().nullable(),
  criteria: z.array(CriterionResult),
  evaluatedOn: IsoDate,
});
export type EligibilityDecisionChangedV1 = z.infer<typeof EligibilityDecisionChangedV1>;
