import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type RegionCountsUpdatedV1 } from '@satupintu/contracts';
import type { ConsumedEvent } from '@satupintu/kafka';
import { DATA_SOURCE } from '@satupintu/platform';
import type { DataSource } from 'typeorm';
import { RegionsService } from './regions.service';

/** Keeps the gateway's read model of region totals (newest `seq` wins) and drops stale cache entries. */
@Controller()
export class RegionCountsConsumer {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(RegionsService) private readonly regions: RegionsService,
  ) {}

  @EventPattern(TOPICS.regionCountsUpdated)
  async onCounts(@Payload() batch: ConsumedEvent<RegionCountsUpdatedV1>[]) {
    // Within a batch keep the newest update of each region.
    const latest = new Map<string, RegionCountsUpdatedV1>();
    for (const { value } of batch) {
      const prior = latest.get(value.regionCode);
      if (!prior || prior.seq < value.seq) latest.set(value.regionCode, value);
    }
    const rows = [...latest.values()];
    const changed: Array<{ region_code: string; parent_code: string | null }> = await this.db.query(
      `insert into gateway.region_counts (region_code, level, parent_code, families, persons, seq, updated_at)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::bigint[], $7::timestamptz[])
       on conflict (region_code) do update
         set families = excluded.families, persons = excluded.persons, seq = excluded.seq, updated_at = excluded.updated_at
         where gateway.region_counts.seq < excluded.seq
       returning region_code, parent_code`,
      [
        rows.map((r) => r.regionCode),
        rows.map((r) => r.level),
        rows.map((r) => r.parentCode),
        rows.map((r) => r.families),
        rows.map((r) => r.persons),
        rows.map((r) => r.seq),
        rows.map((r) => r.occurredAt),
      ],
    );
    await this.regions.invalidate(changed.flatMap((c) => (c.parent_code ? [c.region_code, c.parent_code] : [c.region_code])));
  }
}
