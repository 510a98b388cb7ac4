import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type CampaignDefinedV1, type FamilyChangedV1 } from '@satupintu/contracts';
import { whoGrowthTables } from '@satupintu/domain';
import type { ConsumedEvent } from '@satupintu/kafka';
import { claimInbox } from '@satupintu/persistence';
import { DATA_SOURCE } from '@satupintu/platform';
import { PROTECTOR, type Protector } from '@satupintu/protection';
import type { DataSource } from 'typeorm';
import { AGGREGATION_SETTINGS, type AggregationSettings } from '../config/aggregation.config';
import { IndicatorStore } from './indicator-store';
import { planChanges, recount, type CountingSettings } from './region-deltas';

const RECOUNT_CHUNK = 1000;

/**
 * Keeps every indicator counter of every village, district, regency/city, province and the nation
 * from the registry's change events: per family the contribution counted last, replaced by the new
 * one (a move leaves the old village), in one transaction per batch (RegionPublisher announces the
 * regions' new counters). Campaign windows arrive from the gateway; a new or changed window
 * recounts the families submitted in it.
 */
@Controller()
export class CountFamiliesConsumer {
  private readonly growth = whoGrowthTables();

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(AGGREGATION_SETTINGS) private readonly settings: AggregationSettings,
    @Inject(PROTECTOR) private readonly protector: Protector,
  ) {}

  @EventPattern(TOPICS.familyChanged)
  async onFamilyChanged(@Payload() batch: ConsumedEvent<FamilyChangedV1>[]) {
    await this.db.transaction(async (m) => {
      const claimed = await claimInbox(m, 'aggregation', batch.map((e) => ({ eventId: e.value.eventId, topic: e.topic })));
      const fresh = batch.filter((e) => claimed.delete(e.value.eventId)).map((e) => e.value);
      if (fresh.length === 0) return;
      const store = new IndicatorStore(m, this.protector);
      const counted = await store.lockFamilies(fresh.map((e) => e.familyId));
      const plan = planChanges(counted, fresh, await this.countingSettings(store));
      await store.saveFamilies(plan.families);
      await store.applyToRegions(plan.deltas);
    });
  }

  @EventPattern(TOPICS.campaignDefined)
  async onCampaign(@Payload() batch: ConsumedEvent<CampaignDefinedV1>[]) {
    for (const { value: c } of batch) {
      const prior = await this.db.transaction((m) => new IndicatorStore(m).saveCampaign({ id: c.campaignId, name: c.name, startsOn: c.startsOn, endsOn: c.endsOn, revision: c.revision }));
      if (prior === 'stale') continue;
      const windows = [{ startsOn: c.startsOn, endsOn: c.endsOn }, ...(prior ? [prior] : [])];
      // Families submitted in the old or the new window, recounted a chunk per transaction.
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const done = await this.db.transaction(async (m) => {
          const store = new IndicatorStore(m, this.protector);
          const families = await store.familiesSubmittedIn(windows, after, RECOUNT_CHUNK);
          if (families.length === 0) return true;
          after = families[families.length - 1].familyId;
          const plan = recount(families, await this.countingSettings(store));
          await store.saveFamilies(plan.families);
          await store.applyToRegions(plan.deltas);
          return families.length < RECOUNT_CHUNK;
        });
        if (done) break;
      }
    }
  }

  private async countingSettings(store: IndicatorStore): Promise<CountingSettings> {
    return { timeZone: this.settings.timeZone, campaigns: await store.campaigns(), growth: this.growth };
  }
}
