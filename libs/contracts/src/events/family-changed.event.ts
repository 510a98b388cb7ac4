import { z } from 'zod';
import { FamilyState, FieldChange } from '../family-state';
import { EventBase } from '../primitives';

export const ChangeCause = z.discriminatedUnion('type', [
  z.object({ type: z.literal('submission'), recordId: z.uuid(), revision: z.number().int() }),
  z.object({ type: z.literal('member-moved'), recordId: z.uuid(), toFamilyId: z.uuid() }),
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
