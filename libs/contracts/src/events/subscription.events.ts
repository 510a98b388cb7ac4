import { z } from 'zod';
import { EventBase, IsoTimestamp } from '../primitives';
import { AgencyGrant, AgencyId } from '../subscriptions';

/** gateway -> subscriptions: an agency's grant changed (a new version). */
export const GrantChangedV1 = EventBase.extend({ grant: AgencyGrant });
export type GrantChangedV1 = z.infer<typeof GrantChangedV1>;

/** gateway -> subscriptions: an admin asked for dead-lettered webhook deliveries to be sent again. */
export const WebhookCommandV1 = EventBase.extend({
  type: z.literal('redeliver'),
  agencyId: AgencyId,
  /** Delivery ids; absent: every dead-lettered delivery of the agency. */
  deliveryIds: z.array(z.uuid()).max(1000).optional(),
  requestedBy: z.string(),
});
export type WebhookCommandV1 = z.infer<typeof WebhookCommandV1>;

export const DeadLetteredDelivery = z.object({
  deliveryId: z.uuid(),
  familyId: z.uuid(),
  eventType: z.string(),
  sequence: z.number().int(),
  attempts: z.number().int(),
  lastError: z.string().max(300),
  deadSince: IsoTimestamp,
});

/** subscriptions -> gateway: the webhook delivery state of one agency. Key: agency id (compacted). */
export const WebhookStatusV1 = EventBase.extend({
  agencyId: AgencyId,
  url: z.string().nullable(),
  pending: z.number().int(),
  delivered: z.number().int(),
  deadLettered: z.number().int(),
  oldestPendingSince: IsoTimestamp.nullable(),
  lastDeliveredAt: IsoTimestamp.nullable(),
  lastFailure: z.object({ at: IsoTimestamp, error: z.string().max(300) }).nullable(),
  /** The oldest dead-lettered deliveries (at most 100). */
  deadLetters: z.array(DeadLetteredDelivery).max(100),
});
export type WebhookStatusV1 = z.infer<typeof WebhookStatusV1>;
