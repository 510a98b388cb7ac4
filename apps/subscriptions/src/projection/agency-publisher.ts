import { Inject, Injectable } from '@nestjs/common';
import { AGENCY_CLOUD_EVENT_TYPES, AgencyFamilyEventV1, type AgencyGrant, type GrantedFamily } from '@satupintu/contracts';
import { changedGrantedFields } from '@satupintu/domain';
import { EventProducer, type OutgoingMessage } from '@satupintu/kafka';
import { DATA_SOURCE } from '@satupintu/platform';
import { PROTECTOR, type Protector } from '@satupintu/protection';
import type { DataSource, EntityManager } from 'typeorm';
import { AgencyViews, type AgencyView, type Delivery } from './agency-views';
import { changeMessage, snapshotMessage, stableUuid, webhookBody, type AgencyEvent } from './agency-messages';

export interface FamilyUpdate {
  event: AgencyEvent;
  live: boolean;
  view: AgencyView;
}

/**
 * Publishes agencies' new family views, in the order that makes a crash only repeat: the snapshot
 * records are written (and acknowledged) before the change events, both before the views are saved;
 * a repeated batch computes the same sequence numbers and event ids. Because a change event is
 * written only after its snapshot record, a subscriber that notes the changes topic's end offsets,
 * then reads the snapshot, then follows the changes from the noted offsets misses nothing
 * (docs/subscriptions.md).
 */
@Injectable()
export class AgencyPublisher {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(EventProducer) private readonly producer: EventProducer,
    @Inject(PROTECTOR) private readonly protector: Protector,
  ) {}

  /** The agencies' views and deliveries, read and written through `m` (sealed at rest). */
  views(m: EntityManager): AgencyViews {
    return new AgencyViews(m, this.protector);
  }

  /**
   * Publishes the updates, then saves their views, the `settled` views (nothing to publish, a newer
   * source version) and the webhook deliveries of agencies with a webhook, in one transaction.
   */
  async publish(updates: FamilyUpdate[], grants: AgencyGrant[], settled: AgencyView[] = []): Promise<void> {
    if (updates.length === 0 && settled.length === 0) return;
    await this.sendInChunks(updates.map((u) => snapshotMessage(u.event, u.live)));
    await this.sendInChunks(updates.map((u) => changeMessage(u.event)));
    const webhooks = new Set(grants.filter((g) => g.webhook).map((g) => g.agencyId));
    await this.db.transaction(async (m) => {
      const views = this.views(m);
      await views.save([...settled, ...updates.map((u) => u.view)]);
      await views.enqueue(updates.filter((u) => webhooks.has(u.view.agencyId)).map((u) => delivery(u.event, u.view.sequence)));
    });
  }

  /** Events that are not family views (eligibility decisions): the changes topic and webhooks only. */
  async publishEvents(events: AgencyEvent[], grants: AgencyGrant[]): Promise<void> {
    if (events.length === 0) return;
    await this.sendInChunks(events.map(changeMessage));
    const webhooks = new Set(grants.filter((g) => g.webhook).map((g) => g.agencyId));
    await this.views(this.db.manager).enqueue(events.filter((e) => webhooks.has(e.agencyId)).map((e) => delivery(e, 0)));
  }

  private async sendInChunks(messages: OutgoingMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 200) await this.producer.send(messages.slice(i, i + 200));
  }
}

/** One agency's new view of a family, as an event (upserted or removed) and the view to save. */
export function familyUpdate(
  grant: AgencyGrant, familyId: string, sequence: number, sourceVersion: number,
  before: GrantedFamily | null, next: GrantedFamily | null, time: string, correlationId?: string,
): FamilyUpdate {
  const data: AgencyFamilyEventV1 = { familyId, sequence, grantVersion: grant.version, family: next, changedFields: changedGrantedFields(before, next, grant) };
  AgencyFamilyEventV1.parse(data); // a projection that breaks the published schema is a bug: fail loudly
  const event: AgencyEvent = {
    agencyId: grant.agencyId,
    id: stableUuid(grant.agencyId, familyId, sequence),
    type: next ? AGENCY_CLOUD_EVENT_TYPES.familyUpserted : AGENCY_CLOUD_EVENT_TYPES.familyRemoved,
    subject: familyId,
    time,
    data,
    correlationId,
  };
  return { event, live: next !== null, view: { agencyId: grant.agencyId, familyId, sequence, sourceVersion, payload: next } };
}

function delivery(e: AgencyEvent, sequence: number): Delivery {
  return { deliveryId: e.id, agencyId: e.agencyId, familyId: e.subject, eventType: e.type, sequence, body: webhookBody(e) };
}
