import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AGENCY_CLOUD_EVENT_TYPES, agencyTopics, AgencyGrantEventV1, TOPICS, type AgencyGrant, type GrantChangedV1 } from '@satupintu/contracts';
import { canonicalJson, restrictProjection } from '@satupintu/domain';
import { ensureTopics, EventProducer, type ConsumedEvent, type KafkaSettings } from '@satupintu/kafka';
import type { Logger } from '@satupintu/observability';
import { DATA_SOURCE, KAFKA, KAFKA_SETTINGS, LOGGER } from '@satupintu/platform';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { AgencyView } from './agency-views';
import { changeMessage, stableUuid } from './agency-messages';
import { GrantStore } from './grant-store';
import { AgencyPublisher, familyUpdate, type FamilyUpdate } from './agency-publisher';

const PAGE = 1000;

/**
 * Applies a new grant version: creates the agency's topics, announces the grant on its changes topic,
 * and cuts what the agency already holds down to the new grant (fields no longer granted are removed
 * from its snapshot, families outside its regions removed). A revoked grant removes everything from
 * the snapshot and cancels the webhook deliveries not yet made. Widening applies from each family's
 * next change.
 */
@Controller()
export class GrantsConsumer {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(EventProducer) private readonly producer: EventProducer,
    @Inject(GrantStore) private readonly grants: GrantStore,
    @Inject(AgencyPublisher) private readonly publisher: AgencyPublisher,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(TOPICS.grantChanged)
  async onGrantChanged(@Payload() batch: ConsumedEvent<GrantChangedV1>[]) {
    for (const { value } of batch) await this.apply(value.grant);
  }

  private async apply(grant: AgencyGrant): Promise<void> {
    const topics = agencyTopics(grant.agencyId);
    await ensureTopics(this.kafka, this.settings, [topics.changes, topics.snapshot]);
    const previous = await this.db.transaction((m) => this.grants.apply(m, grant));
    if (previous === null) return; // an older or repeated version
    const announcement: AgencyGrantEventV1 = { grantVersion: grant.version, status: grant.status, eventTypes: grant.eventTypes, fields: grant.fields, regions: grant.regions, purpose: grant.purpose };
    await this.producer.send([
      changeMessage({ agencyId: grant.agencyId, id: stableUuid(grant.agencyId, 'grant', grant.version), type: AGENCY_CLOUD_EVENT_TYPES.grantChanged, subject: grant.agencyId, time: grant.changedAt, data: announcement }),
    ]);
    if (previous) await this.restrictHeldViews(grant);
    if (grant.status === 'revoked') {
      await this.db.transaction(async (m) => {
        await this.publisher.views(m).forget(grant.agencyId);
        await m.query(`update subscriptions.webhook_deliveries set status = 'cancelled', locked_until = null where agency_id = $1 and status in ('pending', 'dead')`, [grant.agencyId]);
      });
    }
    this.logger.info({ agencyId: grant.agencyId, version: grant.version, status: grant.status }, 'grant applied');
  }

  /** Republishes every held view that the new grant narrows (or removes: a revoked grant covers nothing). */
  private async restrictHeldViews(grant: AgencyGrant): Promise<void> {
    const cover = grant.status === 'active' ? grant : { ...grant, regions: [] as string[] };
    let after: string | null = null;
    let changed = 0;
    for (;;) {
      const page: AgencyView[] = await this.publisher.views(this.db.manager).loadAgency(grant.agencyId, after, PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1].familyId;
      const updates: FamilyUpdate[] = [];
      for (const view of page) {
        if (!view.payload) continue;
        const next = restrictProjection(view.payload, cover);
        if (canonicalJson(next) === canonicalJson(view.payload)) continue;
        updates.push(familyUpdate(grant, view.familyId, view.sequence + 1, view.sourceVersion, view.payload, next, grant.changedAt));
      }
      await this.publisher.publish(updates, grant.status === 'active' ? [grant] : []);
      changed += updates.length;
    }
    if (changed > 0) this.logger.info({ agencyId: grant.agencyId, version: grant.version, changed }, 'held views cut down to the new grant');
  }
}
