import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type FamilyChangedV1, type RegionLevel } from '@satupintu/contracts';
import type { ConsumedEvent } from '@satupintu/kafka';
import { claimInbox, enqueueOutbox } from '@satupintu/persistence';
import { DATA_SOURCE, outboxEvent } from '@satupintu/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { regionDeltas } from './region-deltas';

/**
 * Keeps families and persons per village, district, regency/city, province and nation, from the
 * registry's change events (before/after), in one upsert per batch; publishes the new totals of
 * every region it touched.
 */
@Controller()
export class CountFamiliesConsumer {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  @EventPattern(TOPICS.familyChanged)
  async onFamilyChanged(@Payload() batch: ConsumedEvent<FamilyChangedV1>[]) {
    await this.db.transaction(async (m) => {
      const claimed = await claimInbox(m, 'aggregation', batch.map((e) => ({ eventId: e.value.eventId, topic: e.topic })));
      const fresh = batch.filter((e) => claimed.delete(e.value.eventId)).map((e) => e.value);
      const deltas = regionDeltas(fresh);
      if (deltas.size === 0) return;
      const entries = [...deltas].sort(([a], [b]) => a.localeCompare(b));
      const codes = entries.map(([c]) => c);
      // Rows first (zero), then the deltas: an insert's candidate row would be checked against
      // families >= 0 before ON CONFLICT could turn it into an update. (The update runs inside a
      // CTE because TypeORM returns UPDATE ... RETURNING as [rows, count].)
      await m.query(
        `insert into aggregation.region_counts (region_code, level, parent_code, families, persons, seq, updated_at)
         select t.region_code, t.level, t.parent_code, 0, 0, 0, now()
           from unnest($1::text[], $2::text[], $3::text[]) as t(region_code, level, parent_code)
         on conflict (region_code) do nothing`,
        [codes, entries.map(([, d]) => d.level), entries.map(([, d]) => d.parentCode)],
      );
      const totals: Array<{ region_code: string; level: RegionLevel; parent_code: string | null; families: number; persons: number; seq: string }> =
        await m.query(
          `with updated as (
             update aggregation.region_counts rc
                set families = rc.families + d.families, persons = rc.persons + d.persons, seq = rc.seq + 1, updated_at = now()
               from unnest($1::text[], $2::int[], $3::int[]) as d(region_code, families, persons)
              where rc.region_code = d.region_code
             returning rc.region_code, rc.level, rc.parent_code, rc.families, rc.persons, rc.seq
           )
           select * from updated`,
          [codes, entries.map(([, d]) => d.families), entries.map(([, d]) => d.persons)],
        );
      const now = new Date().toISOString();
      await enqueueOutbox(
        m,
        'aggregation',
        totals.map((t) =>
          outboxEvent(TOPICS.regionCountsUpdated, t.region_code, {
            eventId: randomUUID(),
            occurredAt: now,
            regionCode: t.region_code,
            level: t.level,
            parentCode: t.parent_code,
            families: t.families,
            persons: t.persons,
            seq: Number(t.seq),
          }),
        ),
      );
    });
  }
}
