import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, DATA_SOURCE, REDIS, type BaseConfig } from '@satupintu/platform';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { knownRegion } from './known-region';

export interface RegionCounts {
  code: string;
  name: string | null;
  level: string;
  families: number;
  persons: number;
  children: Array<{ code: string; name: string | null; families: number; persons: number }>;
}

const CACHE_TTL_SECONDS = 300;

/** Region totals for the dashboard and agencies: PostgreSQL read model, cached in Redis. */
@Injectable()
export class RegionsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: BaseConfig,
  ) {}

  private cacheKey(code: string): string {
    return `${this.config.KAFKA_TOPIC_PREFIX}gateway:region-counts:v1:${code}`;
  }

  async counts(code: string): Promise<RegionCounts> {
    const { level, catalogue } = knownRegion(code);
    const cached = await this.redis.get(this.cacheKey(code)).catch(() => null);
    if (cached) return JSON.parse(cached) as RegionCounts;

    const rows: Array<{ region_code: string; parent_code: string | null; families: number; persons: number }> = await this.db.query(
      `select region_code, parent_code, families, persons from gateway.region_counts where region_code = $1 or parent_code = $1`,
      [code],
    );
    const own = rows.find((r) => r.region_code === code);
    const result: RegionCounts = {
      code,
      name: catalogue.get(code)?.name ?? null,
      level,
      families: own?.families ?? 0,
      persons: own?.persons ?? 0,
      children: rows
        .filter((r) => r.region_code !== code)
        .map((r) => ({ code: r.region_code, name: catalogue.get(r.region_code)?.name ?? null, families: r.families, persons: r.persons }))
        .sort((a, b) => a.code.localeCompare(b.code)),
    };
    await this.redis.set(this.cacheKey(code), JSON.stringify(result), 'EX', CACHE_TTL_SECONDS).catch(() => undefined);
    return result;
  }

  async invalidate(codes: string[]): Promise<void> {
    if (codes.length === 0) return;
    await this.redis.del(...new Set(codes.map((c) => this.cacheKey(c))));
  }
}
