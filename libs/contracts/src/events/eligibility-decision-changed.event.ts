import { z } from 'zod';
import { EventBase, IsoDate } from '../primitives';

export const CriterionResult = z.object({
  criterion: z.string(),
  value: z.unknown(),
  passed: z.boolean(),
});
export type CriterionResult = z.infer<typeof CriterionResult>;

/**
 * A decision changed: a person or family became eligible, is no longer eligible, or fails for other
 * reasons than before. For a family-level programme `personId` is null.
 */
export const EligibilityDecisionChangedV1 = EventBase.extend({
  familyId: z.uuid(),
  personId: z.uuid().nullable(),
  targetUnit: z.enum(['person', 'family']),
  /** The family's village (region code): decisions are counted and granted by region. */
  villageCode: z.string(),
  programmeId: z.string(),
  programmeVersion: z.number().int().min(1),
  eligible: z.boolean(),
  previouslyEligible: z.boolean().nullable(),
  criteria: z.array(CriterionResult),
  evaluatedOn: IsoDate,
});
export type EligibilityDecisionChangedV1 = z.infer<typeof EligibilityDecisionChangedV1>;
