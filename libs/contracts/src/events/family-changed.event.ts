import { z } from 'zod';
import { FamilyState, FieldChange } from '../family-state';
import { EventBase, IsoDate } from '../primitives';

export const ChangeCause = z.discriminatedUnion('type', [
  /** `collectedOn`: the day the family was recorded in the field, when the app said. */
  z.object({ type: z.literal('submission'), recordId: z.uuid(), revision: z.number().int(), collectedOn: IsoDate.optional() }),
  z.object({ type: z.literal('member-moved'), recordId: z.uuid(), toFamilyId: z.uuid() }),
  /** A new KK took members of this family (the family split). */
  z.object({ type: z.literal('family-split'), recordId: z.uuid(), newFamilyId: z.uuid() }),
  /** Two records of one person were merged (automatically or by a reviewer). */
  z.object({ type: z.literal('person-merged'), mergeId: z.uuid(), survivorId: z.uuid(), mergedId: z.uuid() }),
  /** A merge was undone: both persons are back. */
  z.object({ type: z.literal('person-unmerged'), mergeId: z.uuid(), survivorId: z.uuid(), mergedId: z.uuid() }),
]);
export type ChangeCause = z.infer<typeof ChangeCause>;

/**
 * One family changed in the registry. Carries the full state before and after (null when the family
 * did not exist / no longer exists) and a field-level diff, so consumers can update incrementally.
 */
export const FamilyChangedV1 = EventBase.extend({
  familyId: z.uuid(),
  version: z.number().int().min(1),
  cause: ChangeCause,
  before: FamilyState.nullable(),
  after: FamilyState.nullable(),
  diff: z.array(FieldChange),
});
export type FamilyChangedV1 = z.infer<typeof FamilyChangedV1>;
