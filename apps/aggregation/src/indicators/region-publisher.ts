import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { todayIn } from '@satupintu/domain';
import { describeError } from '@satupintu/kafka';
import type { Logger } from '@satupintu/observability';
import { enqueueOutbox } from '@satupintu/persistence';
import { DATA_SOURCE, LOGGER, PeriodicTask } from '@satupintu/platform';
import type { DataSource } from 'typeorm';
import { AGGREGATION_SETTINGS, type AggregationSettings } from '../config/aggregation.config';
import { IndicatorStore } from './indicator-store';

const REGIONS_PER_PASS = 2000;

/**
 * Announces regions whose counters changed (aggregate.region-indicators.v1 and region-counts.v1,
 * through the outbox) every `publishIntervalMs`: the latest counters once per interval instead of
 * once per batch, which keeps the outbox and the gateway's read model small when thousands of
 * changes a second all touch the nation and the province. Instances share the work (skip locked).
 */
@Injectable()
export class RegionPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop = new PeriodicTask(() => this.publish());

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(AGGREGATION_SETTINGS) private readonly settings: AggregationSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(this.settings.publishIntervalMs);
  }

  /** On shutdown: the last changes are announced before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
    await this.publish();
  }

  /** Announces every region changed since its last announcement; returns how many. */
  async publish(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const n = await this.db.transaction(async (m) => {
          const { regions, rows } = await new IndicatorStore(m).publishChangedRegions(todayIn(this.settings.timeZone), REGIONS_PER_PASS);
          await enqueueOutbox(m, 'aggregation', rows);
          return regions;
        });
        total += n;
        if (n < REGIONS_PER_PASS) return total;
      }
    } catch (err) {
      this.logger.warn({ err: describeError(err) }, 'announcing changed regions failed; retried at the next interval');
      return total;
    }
  }
}
