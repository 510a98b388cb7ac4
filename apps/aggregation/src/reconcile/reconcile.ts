import type { FamilyState, RegionLevel } from '@satupintu/contracts';
import { counterDelta, todayIn, whoGrowthTables, type Counters } from '@satupintu/domain';
import { enqueueOutbox } from '@satupintu/persistence';
import { openJsonColumn, PROTECTED, type Protector } from '@satupintu/protection';
import type { DataSource } from 'typeorm';
import { IndicatorStore } from '../indicators/indicator-store';
import { addToRegions, countFamily, type CountedFamily, type CountingSettings, type RegionDelta } from '../indicators/region-deltas';

export interface CounterDifference {
  region: string;
  counter: string;
  incremental: number;
  recomputed: number;
}

export interface ReconcileReport {
  families: number;
  regions: number;
  /** Families whose counted contribution differs from the registry's current state. */
  familiesDiffering: number;
  /** Every region counter that differs (the first 1,000). */
  differences: CounterDifference[];
  differenceCount: number;
  repaired: boolean;
  seconds: number;
}

const CHUNK = 2000;

/**
 * Recomputes every region's counters from the registry itself (the current state of every family and
 * the days it was submitted, read with SQL from the registry's tables), without any event, and
 * compares them with the incrementally kept ones. With `repair`, the recomputed counts replace the
 * kept ones (and are announced like any update).
 */
export async function reconcile(
  db: DataSource,
  options: { timeZone: string; repair: boolean; protector: Protector; registrySchema?: string; onProgress?: (done: number) => void },
): Promise<ReconcileReport> {
  const started = Date.now();
  const R = options.registrySchema ?? 'registry';
  const settings: CountingSettings = { timeZone: options.timeZone, campaigns: await new IndicatorStore(db.manager).campaigns(), growth: whoGrowthTables() };
  const recomputed = new Map<string, RegionDelta>();
  const families = new Map<string, CountedFamily>();
  let familiesRead = 0;
  let familiesDiffering = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const read: Array<{ id: string; state: FamilyState | string; recorded_on: string; submission_days: string[] | null }> = await db.query(
      `select f.id, h.after as state, to_char((h.recorded_at at time zone $3)::date, 'YYYY-MM-DD') as recorded_on,
              (select array_agg(distinct coalesce(s.cause->>'collectedOn', to_char((s.recorded_at at time zone $3)::date, 'YYYY-MM-DD')))
                 from ${R}.family_history s where s.family_id = f.id and s.cause->>'type' = 'submission') as submission_days
         from ${R}.families f join ${R}.family_history h on h.family_id = f.id and h.version = f.version
        where f.id > $1 order by f.id limit $2`,
      [after, CHUNK, options.timeZone],
    );
    // The registry's history holds each state protected (a JSON string; a document before encryption was on).
    const rows = await Promise.all(
      read.map(async (r) => ({ ...r, state: await openJsonColumn<FamilyState>(options.protector, r.state, PROTECTED.registry.historyAfter) })),
    );
    if (rows.length === 0) break;
    after = rows[rows.length - 1].id;
    familiesRead += rows.length;
    const kept: Array<{ family_id: string; counters: Counters }> = await db.query(`select family_id, counters from aggregation.families where family_id = any($1::uuid[])`, [rows.map((r) => r.id)]);
    const keptBy = new Map(kept.map((k) => [k.family_id, k.counters]));
    for (const r of rows) {
      const f = countFamily(r.state, r.recorded_on, (r.submission_days ?? []).sort(), settings);
      if (r.state.members.length > 0) addToRegions(recomputed, f.villageCode, f.counters, 1);
      if (!sameCounters(keptBy.get(r.id) ?? {}, f.counters)) familiesDiffering++;
      if (options.repair) families.set(f.familyId, f);
    }
    options.onProgress?.(familiesRead);
  }

  const incremental: Array<{ region_code: string; level: RegionLevel; parent_code: string | null; counters: Counters }> = await db.query(
    'select region_code, level, parent_code, counters from aggregation.regions',
  );
  const differences: CounterDifference[] = [];
  const codes = new Set([...recomputed.keys(), ...incremental.map((r) => r.region_code)]);
  const keptRegions = new Map(incremental.map((r) => [r.region_code, r.counters]));
  for (const code of [...codes].sort()) {
    const a = keptRegions.get(code) ?? {};
    const b = recomputed.get(code)?.counters ?? {};
    for (const counter of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if ((a[counter] ?? 0) !== (b[counter] ?? 0)) differences.push({ region: code, counter, incremental: a[counter] ?? 0, recomputed: b[counter] ?? 0 });
    }
  }

  const repaired = options.repair && (differences.length > 0 || familiesDiffering > 0);
  if (repaired) {
    await db.transaction(async (m) => {
      const store = new IndicatorStore(m, options.protector);
      await m.query('delete from aggregation.families');
      const all = [...families.values()];
      for (let i = 0; i < all.length; i += CHUNK) await store.saveFamilies(new Map(all.slice(i, i + CHUNK).map((f) => [f.familyId, f])));
      const target = new Map<string, { level: RegionLevel; parentCode: string | null; counters: Counters }>();
      for (const r of incremental) target.set(r.region_code, { level: r.level, parentCode: r.parent_code, counters: {} });
      for (const [code, d] of recomputed) target.set(code, d);
      const changed = new Map([...target].filter(([code, d]) => !sameCounters(keptRegions.get(code) ?? {}, d.counters)));
      if (changed.size > 0) await store.replaceRegions(changed);
      await enqueueOutbox(m, 'aggregation', (await store.publishChangedRegions(todayIn(options.timeZone), 1_000_000)).rows);
    });
  }
  return {
    families: familiesRead,
    regions: codes.size,
    familiesDiffering,
    differences: differences.slice(0, 1000),
    differenceCount: differences.length,
    repaired,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}


/** Equal counters (a missing counter is 0). */
const sameCounters = (a: Readonly<Counters>, b: Readonly<Counters>) => Object.keys(counterDelta(a, b)).length === 0;
