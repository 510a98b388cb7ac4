import { z } from 'zod';
import { EventBase, IsoDate } from '../primitives';
import { CriterionResult } from './eligibility-decision-changed.event';

export const FamilyDecision = z.object({
  programmeId: z.string(),
  programmeVersion: z.number().int().min(1),
  /** null for a family-level programme. */
  personId: z.uuid().nullable(),
  targetUnit: z.enum(['person', 'family']),
  eligible: z.boolean(),
  criteria: z.array(CriterionResult),
  evaluatedOn: IsoDate,
});
export type FamilyDecision = z.infer<typeof FamilyDecision>;

/**
 * Every current decision of one family (its members' and its own), eligible or not, with the
 * explanations: the state that read models (the gateway's query API) keep. Sent whenever any of the
 * family's decisions is written or the family moves; `revision` grows with each message of a family,
 * so a reader keeps the highest. `removed` when the family left the registry (decisions empty).
 */
export const EligibilityFamilyDecisionsV1 = EventBase.extend({
  familyId: z.uuid(),
  revision: z.number().int().min(1),
  villageCode: z.string(),
  removed: z.boolean(),
  decisions: z.array(FamilyDecision),
});
export type EligibilityFamilyDecisionsV1 = z.infer<typeof EligibilityFamilyDecisionsV1>;
