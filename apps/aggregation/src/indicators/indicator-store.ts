import { TOPICS, type RegionLevel } from '@satupintu/contracts';
import type { CampaignWindow, Counters } from '@satupintu/domain';
import type { OutboxRow } from '@satupintu/persistence';
import { outboxEvent } from '@satupintu/platform';
import { openJsonColumn, PROTECTED, sealJsonColumn, withoutDirectIdentifiers, type Protector } from '@satupintu/protection';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { CountedFamily, RegionDelta } from './region-deltas';

const S = 'aggregation';

interface FamilyRow {
  family_id: string;
  version: number;
  village_code: string;
  recorded_on: string;
  submission_days: string[];
  /** Sealed (a JSON string), or a document stored before states were sealed. */
  state: CountedFamily['state'] | string;
  counters: Counters;
}

const fromRow = (r: FamilyRow & { state: CountedFamily['state'] }): CountedFamily => ({
  familyId: r.family_id,
  version: r.version,
  villageCode: r.village_code,
  recordedOn: r.recorded_on,
  submissionDays: r.submission_days,
  state: r.state,
  counters: r.counters,
});

const COUNTED_COLUMNS = `family_id, version, village_code, to_char(recorded_on, 'YYYY-MM-DD') as recorded_on,
  coalesce((select array_agg(to_char(d, 'YYYY-MM-DD') order by d) from unnest(submission_days) d), '{}') as submission_days, counters`;

/** Aggregation's tables: counted families, region counters, campaign windows. */
export class IndicatorStore {
  /**
   * @param protector seals and opens the families' states (docs/security.md "Encryption at rest");
   * only the methods that read or write states need it.
   */
  constructor(
    private readonly m: EntityManager,
    private readonly protector: Protector | null = null,
  ) {}

  private get keys(): Protector {
    if (!this.protector) throw new Error('family states are sealed: this store was made without the protector');
    return this.protector;
  }

  private async opened(r: FamilyRow): Promise<CountedFamily> {
    return fromRow({ ...r, state: await openJsonColumn<CountedFamily['state']>(this.keys, r.state, PROTECTED.aggregation.familyState) });
  }

  /** The counted families without their states, locked in id order (a concurrent batch of the same family waits). */
  async lockFamilies(ids: string[]): Promise<Map<string, CountedFamily>> {
    if (ids.length === 0) return new Map();
    const rows: FamilyRow[] = await this.m.query(
      `select ${COUNTED_COLUMNS}, null as state from ${S}.families where family_id = any($1::uuid[]) order by family_id for update`,
      [[...new Set(ids)].sort()],
    );
    return new Map(rows.map((r) => [r.family_id, fromRow({ ...r, state: null })]));
  }

  /** Counted families with a submission day in one of the windows, by family id after `after`. */
  async familiesSubmittedIn(windows: Array<{ startsOn: string; endsOn: string }>, after: string, limit: number): Promise<CountedFamily[]> {
    const rows: FamilyRow[] = await this.m.query(
      `select ${COUNTED_COLUMNS}, state from ${S}.families f
        where family_id > $1
          and exists (select 1 from unnest(f.submission_days) d, unnest($2::date[], $3::date[]) w(s, e) where d between w.s and w.e)
        order by family_id limit $4 for update`,
      [after, windows.map((w) => w.startsOn), windows.map((w) => w.endsOn), limit],
    );
    return Promise.all(rows.map((r) => this.opened(r)));
  }

  async saveFamilies(families: Map<string, CountedFamily | null>): Promise<void> {
    const gone = [...families].filter(([, f]) => f === null).map(([id]) => id);
    const kept = [...families.values()].filter((f): f is CountedFamily => f !== null);
    // Families read without their state (lockFamilies) are only ever replaced by counted new states.
    if (kept.some((f) => f.state === null)) throw new Error('a counted family must be saved with its state');
    if (gone.length > 0) await this.m.query(`delete from ${S}.families where family_id = any($1::uuid[])`, [gone]);
    if (kept.length === 0) return;
    await this.m.query(
      `insert into ${S}.families (family_id, version, village_code, recorded_on, submission_days, state, counters)
       select t.family_id, t.version, t.village_code, t.recorded_on, array(select jsonb_array_elements_text(t.days)::date), t.state, t.counters
         from unnest($1::uuid[], $2::int[], $3::text[], $4::date[], $5::jsonb[], $6::jsonb[], $7::jsonb[])
           as t(family_id, version, village_code, recorded_on, days, state, counters)
       on conflict (family_id) do update set version = excluded.version, village_code = excluded.village_code,
         recorded_on = excluded.recorded_on, submission_days = excluded.submission_days, state = excluded.state, counters = excluded.counters`,
      [
        kept.map((f) => f.familyId),
        kept.map((f) => f.version),
        kept.map((f) => f.villageCode),
        kept.map((f) => f.recordedOn),
        kept.map((f) => JSON.stringify(f.submissionDays)),
        // Without NIKs, KK and names (counting never reads them), and sealed: birth dates stay for ages (docs/security.md).
        await Promise.all(kept.map((f) => sealJsonColumn(this.keys, withoutDirectIdentifiers(f.state), PROTECTED.aggregation.familyState))),
        kept.map((f) => JSON.stringify(f.counters)),
      ],
    );
  }

  /**
   * Adds the deltas to the regions' counters (rows locked in code order, so two batches never
   * deadlock). The new counters are announced by `publishChangedRegions`, at most once per interval.
   */
  async applyToRegions(deltas: Map<string, RegionDelta>): Promise<void> {
    if (deltas.size === 0) return;
    const rows = await this.lockRegions(deltas);
    for (const r of rows) {
      for (const [k, v] of Object.entries(deltas.get(r.region_code)!.counters)) {
        const n = (r.counters[k] ?? 0) + v;
        if (n < 0) throw new Error(`counter ${k} of region ${r.region_code} would fall below zero`);
        if (n === 0) delete r.counters[k];
        else r.counters[k] = n;
      }
    }
    await this.writeRegions(rows);
  }

  /** Overwrites regions' counters (reconciliation repair); they are announced like any change. */
  async replaceRegions(regions: Map<string, { level: RegionLevel; parentCode: string | null; counters: Counters }>): Promise<void> {
    const rows = await this.lockRegions(regions);
    for (const r of rows) r.counters = regions.get(r.region_code)!.counters;
    await this.writeRegions(rows);
  }

  /** The regions' rows (created empty when missing), locked in code order so two batches never deadlock. */
  private async lockRegions(regions: Map<string, { level: RegionLevel; parentCode: string | null }>) {
    const codes = [...regions.keys()].sort();
    await this.m.query(
      `insert into ${S}.regions (region_code, level, parent_code, counters, seq, updated_at)
       select t.code, t.level, t.parent, '{}'::jsonb, 0, now() from unnest($1::text[], $2::text[], $3::text[]) as t(code, level, parent)
       on conflict (region_code) do nothing`,
      [codes, codes.map((c) => regions.get(c)!.level), codes.map((c) => regions.get(c)!.parentCode)],
    );
    const rows: Array<{ region_code: string; counters: Counters }> = await this.m.query(
      `select region_code, counters from ${S}.regions where region_code = any($1::text[]) order by region_code for update`,
      [codes],
    );
    return rows;
  }

  private async writeRegions(rows: Array<{ region_code: string; counters: Counters }>): Promise<void> {
    await this.m.query(
      `update ${S}.regions r set counters = t.counters, seq = r.seq + 1, updated_at = now()
         from unnest($1::text[], $2::jsonb[]) as t(code, counters) where r.region_code = t.code`,
      [rows.map((r) => r.region_code), rows.map((r) => JSON.stringify(r.counters))],
    );
  }

  /**
   * Outbox rows announcing the current counters of regions changed since they were last announced
   * (up to `limit`, rows another instance is announcing skipped), marked announced. Many batches
   * touching the nation, a province or a busy village thus cost one announcement per interval.
   */
  async publishChangedRegions(day: string, limit: number): Promise<{ regions: number; rows: OutboxRow[] }> {
    const rows: Array<{ region_code: string; level: RegionLevel; parent_code: string | null; counters: Counters; seq: string }> = await this.m.query(
      `select region_code, level, parent_code, counters, seq from ${S}.regions where seq > published_seq order by region_code limit $1 for update skip locked`,
      [limit],
    );
    if (rows.length === 0) return { regions: 0, rows: [] };
    await this.m.query(`update ${S}.regions set published_seq = seq where region_code = any($1::text[])`, [rows.map((r) => r.region_code)]);
    const now = new Date().toISOString();
    const announcements = rows.flatMap((r) => {
      const seq = Number(r.seq);
      const common = { occurredAt: now, regionCode: r.region_code, level: r.level, parentCode: r.parent_code, seq };
      return [
        outboxEvent(TOPICS.regionIndicatorsUpdated, r.region_code, { ...common, eventId: randomUUID(), day, counters: r.counters }),
        outboxEvent(TOPICS.regionCountsUpdated, r.region_code, { ...common, eventId: randomUUID(), families: r.counters.families ?? 0, persons: r.counters.persons ?? 0 }),
      ];
    });
    return { regions: rows.length, rows: announcements };
  }

  async campaigns(): Promise<CampaignWindow[]> {
    return this.m.query(
      `select campaign_id as id, to_char(starts_on, 'YYYY-MM-DD') as "startsOn", to_char(ends_on, 'YYYY-MM-DD') as "endsOn" from ${S}.campaigns order by campaign_id`,
    );
  }

  /** Saves a campaign window; returns the window it replaces (null when new), or 'stale' for an older revision. */
  async saveCampaign(c: { id: string; name: string; startsOn: string; endsOn: string; revision: number }): Promise<CampaignWindow | null | 'stale'> {
    const [prior]: Array<CampaignWindow & { revision: number }> = await this.m.query(
      `select campaign_id as id, to_char(starts_on, 'YYYY-MM-DD') as "startsOn", to_char(ends_on, 'YYYY-MM-DD') as "endsOn", revision
         from ${S}.campaigns where campaign_id = $1 for update`,
      [c.id],
    );
    if (prior && prior.revision >= c.revision) return 'stale';
    await this.m.query(
      `insert into ${S}.campaigns (campaign_id, name, starts_on, ends_on, revision, updated_at) values ($1, $2, $3, $4, $5, now())
       on conflict (campaign_id) do update set name = excluded.name, starts_on = excluded.starts_on, ends_on = excluded.ends_on, revision = excluded.revision, updated_at = now()`,
      [c.id, c.name, c.startsOn, c.endsOn, c.revision],
    );
    return prior ? { id: prior.id, startsOn: prior.startsOn, endsOn: prior.endsOn } : null;
  }
}
