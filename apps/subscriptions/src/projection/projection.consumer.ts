import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AGENCY_CLOUD_EVENT_TYPES, AgencyDecisionEventV1, AgencyFamilyEventV1, TOPICS, type AgencyGrant, type EligibilityDecisionChangedV1, type FamilyChangedV1, type GrantedFamily } from '@satupintu/contracts';
import { canonicalJson, changedGrantedFields, projectDecision, projectFamily } from '@satupintu/domain';
import { EventProducer, type ConsumedEvent, type OutgoingMessage } from '@satupintu/kafka';
import { DATA_SOURCE } from '@satupintu/platform';
import type { DataSource } from 'typeorm';
import { AgencyViews, type AgencyView, type Delivery } from './agency-views';
import { changeMessage, snapshotMessage, stableUuid, webhookBody, type AgencyEvent } from './agency-messages';
import { GrantStore } from './grant-store';

export interface FamilyUpdate {
  event: AgencyEvent;
  live: boolean;
  view: AgencyView;
}

/**
 * Publishes each registry change to every agency whose grant covers it, with only the granted
 * fields: on the agency's changes topic (an event) and its snapshot topic (the latest view, keyed by
 * family). Nothing is published when the agency's view did not change (a change outside its grant).
 *
 * Order of effects, so that nothing is lost and a crash only repeats: the snapshot records are
 * written (and acknowledged) before the change events, both before the view is saved; a repeated
 * batch computes the same sequence numbers and event ids. Because a change event is written only
 * after its snapshot record, a subscriber that notes the changes topic's end offsets, then reads the
 * snapshot, then follows the changes from the noted offsets misses nothing (docs/subscriptions.md).
 */
@Controller()
export class ProjectionConsumer {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(EventProducer) private readonly producer: EventProducer,
    @Inject(GrantStore) private readonly grants: GrantStore,
  ) {}

  @EventPattern(TOPICS.familyChanged)
  async onFamilyChanged(@Payload() batch: ConsumedEvent<FamilyChangedV1>[]) {
    const grants = await this.grants.active('family.changed');
    if (grants.length === 0) return;
    const newest = new Map<string, ConsumedEvent<FamilyChangedV1>>();
    for (const e of batch) {
      const seen = newest.get(e.value.familyId);
      if (!seen || seen.value.version < e.value.version) newest.set(e.value.familyId, e);
    }
    const views = await new AgencyViews(this.db.manager).load(grants.map((g) => g.agencyId), [...newest.keys()]);
    const updates: FamilyUpdate[] = [];
    const settled: AgencyView[] = [];
    for (const grant of grants) {
      for (const { value: e, correlationId } of newest.values()) {
        const held = views.get(`${grant.agencyId}|${e.familyId}`);
        if (held && held.sourceVersion >= e.version) continue; // already applied (a replay)
        const next = projectFamily(e.after, grant);
        const before = held?.payload ?? null;
        if (canonicalJson(before) === canonicalJson(next)) {
          if (held) settled.push({ ...held, sourceVersion: e.version });
          continue;
        }
        updates.push(familyUpdate(grant, e.familyId, (held?.sequence ?? 0) + 1, e.version, before, next, e.occurredAt, correlationId));
      }
    }
    await this.publish(updates, grants);
    await new AgencyViews(this.db.manager).save(settled);
  }

  @EventPattern(TOPICS.eligibilityDecisionChanged)
  async onDecisionChanged(@Payload() batch: ConsumedEvent<EligibilityDecisionChangedV1>[]) {
    const grants = await this.grants.active('eligibility.decision-changed');
    if (grants.length === 0) return;
    const events: AgencyEvent[] = [];
    for (const grant of grants) {
      for (const { value: e, correlationId } of batch) {
        const data = projectDecision(e, grant);
        if (!data) continue;
        AgencyDecisionEventV1.parse(data);
        events.push({ agencyId: grant.agencyId, id: stableUuid(grant.agencyId, e.eventId), type: AGENCY_CLOUD_EVENT_TYPES.decisionChanged, subject: e.familyId, time: e.occurredAt, data, correlationId });
      }
    }
    await this.producer.send(events.map(changeMessage));
    const webhooks = new Set(grants.filter((g) => g.webhook).map((g) => g.agencyId));
    await new AgencyViews(this.db.manager).enqueue(events.filter((e) => webhooks.has(e.agencyId)).map((e) => delivery(e, 0)));
  }

  /** Snapshot records first, then change events, then the views and webhook deliveries (one transaction). */
  async publish(updates: FamilyUpdate[], grants: AgencyGrant[]): Promise<void> {
    if (updates.length === 0) return;
    await this.sendInChunks(updates.map((u) => snapshotMessage(u.event, u.live)));
    await this.sendInChunks(updates.map((u) => changeMessage(u.event)));
    const webhooks = new Set(grants.filter((g) => g.webhook).map((g) => g.agencyId));
    await this.db.transaction(async (m) => {
      const views = new AgencyViews(m);
      await views.save(updates.map((u) => u.view));
      await views.enqueue(updates.filter((u) => webhooks.has(u.view.agencyId)).map((u) => delivery(u.event, u.view.sequence)));
    });
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
