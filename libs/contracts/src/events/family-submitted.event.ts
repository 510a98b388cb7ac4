import { z } from 'zod';
import { EventBase, IsoDate, IsoTimestamp, Provenance } from '../primitives';

/** A record accepted by the gateway for processing. The family is still unvalidated input. */
export const FamilySubmittedV1 = EventBase.extend({
  recordId: z.uuid(),
  revision: z.number().int().min(1),
  idempotencyKey: z.string(),
  clientId: z.string(),
  receivedAt: IsoTimestamp,
  family: z.record(z.string(), z.unknown()),
  /** Set for records of an imported list (absent for a cadre's submission). */
  provenance: Provenance.optional(),
  /** The day the family was recorded in the field, when the app said (collection progress counts it then). */
  collectedOn: IsoDate.optional(),
  /** A dry run (an import's): validated and matched, never written to the registry. */
  dryRun: z.literal(true).optional(),
});
export type FamilySubmittedV1 = z.infer<typeof FamilySubmittedV1>;
