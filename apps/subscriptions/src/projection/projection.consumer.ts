import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AGENCY_CLOUD_EVENT_TYPES, AgencyDecisionEventV1, TOPICS, type EligibilityDecisionChangedV1, type FamilyChangedV1 } from '@satupintu/contracts';
import { canonicalJson, projectDecision, projectFamily } from '@satupintu/domain';
import type { ConsumedEvent } from '@satupintu/kafka';
import { DATA_SOURCE } from '@satupintu/platform';
import type { DataSource } from 'typeorm';
import type { AgencyView } from './agency-views';
import { stableUuid, type AgencyEvent } from './agency-messages';
import { AgencyPublisher, familyUpdate, type FamilyUpdate } from './agency-publisher';
import { GrantStore } from './grant-store';

/**
 * Publishes each registry change to every agency whose grant covers it, with only the granted
 * fields: on the agency's changes topic (an event) and its snapshot topic (the latest view, keyed by
 * family). Nothing is published when the agency's view did not change (a change outside its grant).
 */
@Controller()
export class ProjectionConsumer {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(AgencyPublisher) private readonly publisher: AgencyPublisher,
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
    const views = await this.publisher.views(this.db.manager).load(grants.map((g) => g.agencyId), [...newest.keys()]);
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
    await this.publisher.publish(updates, grants, settled);
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
    await this.publisher.publishEvents(events, grants);
  }
}
