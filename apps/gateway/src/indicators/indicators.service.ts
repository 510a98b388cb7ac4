import { Inject, Injectable } from '@nestjs/common';
import { INDICATORS, THEME_LABELS, THEMES, hiddenCells, indicatorValue, isRealDate, type Counters, type IndicatorDefinition, type Theme } from '@satupintu/domain';
import { ApiError, CONFIG, DATA_SOURCE, REDIS, type BaseConfig } from '@satupintu/platform';
import { stringify } from 'csv-stringify/sync';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { ancestorsOf, knownRegion } from '../regions/known-region';

export interface IndicatorRow {
  id: string;
  theme: Theme;
  label: { id: string; en: string };
  unit: IndicatorDefinition['unit'];
  group: string | null;
  /** null when suppressed (a small count of a sensitive category, or one that would reveal another). */
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  suppressed?: true;
}

export interface RegionIndicators {
  region: { code: string; name: string | null; level: string; parentCode: string | null; ancestors: Array<{ code: string; name: string | null }> };
  theme: Theme | null;
  /** The day asked for (the latest counters of that day or before), or null: now. */
  at: string | null;
  updatedAt: string | null;
  indicators: IndicatorRow[];
  children: Array<{ code: string; name: string | null; level: string; indicators: IndicatorRow[] }>;
  /** Small-cell suppression applied: its minimum cell size, or null (a caller granted the detail). */
  minCellSize: number | null;
}

interface CounterRows {
  own: { counters: Counters; updatedAt: string | null } | null;
  children: Array<{ code: string; counters: Counters }>;
}

const CACHE_TTL_SECONDS = 300;

/** Indicator queries for the dashboard and agencies: the read model in PostgreSQL, cached in Redis per region. */
@Injectable()
export class IndicatorsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: BaseConfig,
  ) {}

  catalogue() {
    return {
      themes: THEMES.map((id) => ({ id, label: THEME_LABELS[id] })),
      indicators: INDICATORS.map((i) => ({ id: i.id, theme: i.theme, label: i.label, unit: i.unit, group: i.group ?? null, numerator: i.numerator, denominator: i.denominator ?? null, definition: i.definition })),
    };
  }

  /** Checks `theme` and `at` query parameters. */
  parseQuery(theme: unknown, at: unknown): { theme: Theme | null; at: string | null } {
    if (theme !== undefined && (typeof theme !== 'string' || !(THEMES as readonly string[]).includes(theme))) {
      throw new ApiError(400, 'INVALID_QUERY', `theme must be one of ${THEMES.join(', ')}`);
    }
    if (at !== undefined && (typeof at !== 'string' || !isRealDate(at))) throw new ApiError(400, 'INVALID_QUERY', 'at must be a date (YYYY-MM-DD)');
    return { theme: (theme as Theme | undefined) ?? null, at: (at as string | undefined) ?? null };
  }

  private cacheKey(code: string): string {
    return `${this.config.KAFKA_TOPIC_PREFIX}gateway:indicators:v1:${code}`;
  }

  /** A region's counters and its children's (now, or the latest of day `at`), cached in Redis. */
  private async counterRows(code: string, at: string | null): Promise<CounterRows> {
    const field = `counters|${at ?? 'now'}`;
    const cached = await this.redis.hget(this.cacheKey(code), field).catch(() => null);
    if (cached) return JSON.parse(cached) as CounterRows;
    const rows: Array<{ region_code: string; counters: Counters; updated_at: Date | null }> = at
      ? await this.db.query(
          `select distinct on (region_code) region_code, counters, null::timestamptz as updated_at from gateway.region_indicator_days
            where (region_code = $1 or parent_code = $1) and day <= $2 order by region_code, day desc`,
          [code, at],
        )
      : await this.db.query('select region_code, counters, updated_at from gateway.region_indicators where region_code = $1 or parent_code = $1', [code]);
    const own = rows.find((r) => r.region_code === code);
    const result: CounterRows = {
      own: own ? { counters: own.counters, updatedAt: own.updated_at?.toISOString() ?? null } : null,
      children: rows.filter((r) => r.region_code !== code).sort((x, y) => x.region_code.localeCompare(y.region_code)).map((r) => ({ code: r.region_code, counters: r.counters })),
    };
    await this.redis
      .multi()
      .hset(this.cacheKey(code), field, JSON.stringify(result))
      .expire(this.cacheKey(code), CACHE_TTL_SECONDS)
      .exec()
      .catch(() => undefined);
    return result;
  }

  /**
   * A region's indicators and its children's. Sensitive counts (health, stunting, disability,
   * welfare deciles) are suppressed below `minCellSize` with complementary suppression
   * (libs/domain small-cells), unless `minCellSize` is null (a caller granted the detail).
   */
  async forRegion(code: string, theme: Theme | null, at: string | null, minCellSize: number | null): Promise<RegionIndicators> {
    const { level, catalogue } = knownRegion(code);
    const table = await this.counterRows(code, at);
    const defs = INDICATORS.filter((i) => theme === null || i.theme === theme);
    const region = catalogue.get(code);
    let hidden: { own: Set<string>; children: Array<Set<string>> } = { own: new Set(), children: table.children.map(() => new Set()) };
    if (minCellSize !== null) {
      const parentCode = region?.parentCode ?? (code === 'ID' ? null : 'ID');
      const parentTable = parentCode ? await this.counterRows(parentCode, at) : null;
      const index = parentTable ? parentTable.children.findIndex((c) => c.code === code) : -1;
      hidden = hiddenCells(
        INDICATORS,
        { own: table.own?.counters ?? {}, children: table.children.map((c) => c.counters) },
        minCellSize,
        parentTable && index >= 0 ? { table: { own: parentTable.own?.counters ?? {}, children: parentTable.children.map((c) => c.counters) }, index } : undefined,
      );
    }
    const values = (counters: Counters, hide: Set<string>): IndicatorRow[] =>
      defs.map((d) => {
        const v = indicatorValue(d, counters);
        const row: IndicatorRow = { ...v, theme: d.theme, label: d.label, unit: d.unit, group: d.group ?? null };
        return hide.has(d.id) ? { ...row, numerator: null, value: null, suppressed: true } : row;
      });
    return {
      region: { code, name: region?.name ?? null, level, parentCode: region?.parentCode ?? null, ancestors: ancestorsOf(code, catalogue) },
      theme,
      at,
      updatedAt: table.own?.updatedAt ?? null,
      indicators: values(table.own?.counters ?? {}, hidden.own),
      children: table.children.map((c, i) => ({ code: c.code, name: catalogue.get(c.code)?.name ?? null, level: levelBelow(level), indicators: values(c.counters, hidden.children[i]) })),
      minCellSize,
    };
  }

  /** The region and its children as CSV: one row per region and indicator. */
  toCsv(r: RegionIndicators): string {
    const regions = [{ code: r.region.code, name: r.region.name, level: r.region.level, indicators: r.indicators }, ...r.children];
    const rows = regions.flatMap((g) => g.indicators.map((i) => [g.code, g.name ?? '', g.level, i.theme, i.id, i.label.id, i.label.en, i.unit, i.numerator ?? (i.suppressed ? 'suppressed' : ''), i.denominator ?? '', i.value ?? '']));
    return stringify(rows, { header: true, columns: ['region_code', 'region_name', 'level', 'theme', 'indicator', 'label_id', 'label_en', 'unit', 'numerator', 'denominator', 'value'] });
  }

  async invalidate(codes: string[]): Promise<void> {
    if (codes.length === 0) return;
    await this.redis.del(...new Set(codes.map((c) => this.cacheKey(c))));
  }
}

const BELOW: Record<string, string> = { country: 'province', province: 'regency', regency: 'district', district: 'village', village: 'village' };
export const levelBelow = (level: string) => BELOW[level];
