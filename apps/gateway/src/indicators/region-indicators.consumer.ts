import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type RegionIndicatorsUpdatedV1 } from '@satupintu/contracts';
import type { ConsumedEvent } from '@satupintu/kafka';
import { DATA_SOURCE } from '@satupintu/platform';
import type { DataSource } from 'typeorm';
import { IndicatorsService } from './indicators.service';

/**
 * Keeps the gateway's read model of region indicator counters, current and per day (the latest
 * counters of each day are that day's time point); newest `seq` wins; drops stale cache entries.
 */
@Controller()
export class RegionIndicatorsConsumer {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(IndicatorsService) private readonly indicators: IndicatorsService,
  ) {}

  @EventPattern(TOPICS.regionIndicatorsUpdated)
  async onIndicators(@Payload() batch: ConsumedEvent<RegionIndicatorsUpdatedV1>[]) {
    const latest = new Map<string, RegionIndicatorsUpdatedV1>();
    for (const { value } of batch) {
      const prior = latest.get(value.regionCode);
      if (!prior || prior.seq < value.seq) latest.set(value.regionCode, value);
    }
    const rows = [...latest.values()].sort((a, b) => a.regionCode.localeCompare(b.regionCode));
    const params = [
      rows.map((r) => r.regionCode),
      rows.map((r) => r.level),
      rows.map((r) => r.parentCode),
      rows.map((r) => JSON.stringify(r.counters)),
      rows.map((r) => r.seq),
      rows.map((r) => r.occurredAt),
      rows.map((r) => r.day),
    ];
    const changed: Array<{ region_code: string; parent_code: string | null }> = await this.db.transaction(async (m) => {
      await m.query(
        `insert into gateway.region_indicator_days (region_code, day, parent_code, counters, seq)
         select t.code, t.day, t.parent, t.counters, t.seq
           from unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::bigint[], $6::timestamptz[], $7::date[]) as t(code, level, parent, counters, seq, at, day)
         on conflict (region_code, day) do update set counters = excluded.counters, seq = excluded.seq
           where gateway.region_indicator_days.seq < excluded.seq`,
        params,
      );
      return m.query(
        `insert into gateway.region_indicators (region_code, level, parent_code, counters, seq, updated_at)
         select t.code, t.level, t.parent, t.counters, t.seq, t.at
           from unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::bigint[], $6::timestamptz[], $7::date[]) as t(code, level, parent, counters, seq, at, day)
         on conflict (region_code) do update set counters = excluded.counters, seq = excluded.seq, updated_at = excluded.updated_at
           where gateway.region_indicators.seq < excluded.seq
         returning region_code, parent_code`,
        params,
      );
    });
    await this.indicators.invalidate(changed.flatMap((c) => (c.parent_code ? [c.region_code, c.parent_code] : [c.region_code])));
  }
}
