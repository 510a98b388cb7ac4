import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type FamilyChangedV1, type FamilyState } from '@satupintu/contracts';
import { evaluateFamily, todayIn, whoGrowthTables } from '@satupintu/domain';
import type { ConsumedEvent } from '@satupintu/kafka';
import { claimInbox } from '@satupintu/persistence';
import { DATA_SOURCE } from '@satupintu/platform';
import { PROTECTOR, type Protector } from '@satupintu/protection';
import type { DataSource } from 'typeorm';
import { ELIGIBILITY_SETTINGS, type EligibilitySettings } from '../config/eligibility.config';
import { ProgrammeCatalog } from '../programmes/programme-catalog';
import { planChanges, publishFamilyDecisions, saveChanges, saveFamilyStates } from './decision-store';

/**
 * Re-evaluates the active programmes for each changed family (its members for person programmes,
 * the family for family programmes), stores the decisions and the family's latest state, and
 * publishes a decision event only when a decision changes, and the family's full decisions (for read
 * models) whenever any of them was written or the family moved. Replays change nothing (inbox).
 */
@Controller()
export class EvaluateEligibilityConsumer {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(ELIGIBILITY_SETTINGS) private readonly settings: EligibilitySettings,
    @Inject(ProgrammeCatalog) private readonly catalog: ProgrammeCatalog,
    @Inject(PROTECTOR) private readonly protector: Protector,
  ) {}

  @EventPattern(TOPICS.familyChanged)
  async onFamilyChanged(@Payload() batch: ConsumedEvent<FamilyChangedV1>[]) {
    await this.db.transaction(async (m) => {
      const programmes = await this.catalog.active(m);
      const claimed = await claimInbox(m, 'eligibility', batch.map((e) => ({ eventId: e.value.eventId, topic: e.topic })));
      const fresh = batch.filter((e) => claimed.delete(e.value.eventId));
      if (fresh.length === 0) return;
      const correlationOf = new Map(fresh.map((e) => [e.value.familyId, e.correlationId]));
      // The latest state of each family in the batch decides (events of one family arrive in order).
      const latest = new Map<string, { familyId: string; version: number; after: FamilyState | null }>();
      for (const e of fresh) latest.set(e.value.familyId, { familyId: e.value.familyId, version: e.value.version, after: e.value.after });
      await saveFamilyStates(m, this.protector, [...latest.values()]);

      const onDate = todayIn(this.settings.timeZone);
      const growth = whoGrowthTables();
      const families = [...latest.values()].flatMap((l) => (l.after ? [l.after] : []));
      const villageOf = new Map(families.map((f) => [f.familyId, f.address.villageCode]));
      const decisions = families.flatMap((f) => evaluateFamily(f, programmes, onDate, growth));
      const changes = await planChanges(m, decisions, true);
      await saveChanges(m, changes, onDate, (id) => villageOf.get(id) ?? '', (id) => correlationOf.get(id));
      const byFamily = Map.groupBy(decisions, (d) => d.familyId);
      await publishFamilyDecisions(
        m,
        [...latest.values()].map((l) => ({
          familyId: l.familyId,
          villageCode: l.after?.address.villageCode ?? '',
          decisions: l.after ? (byFamily.get(l.familyId) ?? []) : null,
        })),
        new Set(changes.map((c) => c.decision.familyId)),
        onDate,
        (id) => correlationOf.get(id),
      );
    });
  }
}
