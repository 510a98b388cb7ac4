import { z } from 'zod';
import { EventBase, IsoDate } from '../primitives';

/**
 * The version of a programme now in force, described for people: its name, owning agency, target
 * unit, dates and criteria (ids and descriptions; the rules stay with the eligibility service).
 */
export const EligibilityProgrammeActivatedV1 = EventBase.extend({
  programmeId: z.string(),
  version: z.number().int().min(1),
  name: z.object({ id: z.string(), en: z.string() }),
  agency: z.string(),
  targetUnit: z.enum(['person', 'family']),
  effectiveFrom: IsoDate,
  effectiveTo: IsoDate.nullable(),
  criteria: z.array(z.object({ id: z.string(), description: z.string(), group: z.string().nullable() })),
});
export type EligibilityProgrammeActivatedV1 = z.infer<typeof EligibilityProgrammeActivatedV1>;
