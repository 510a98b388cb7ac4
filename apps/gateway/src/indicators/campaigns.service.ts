import { Inject, Injectable } from '@nestjs/common';
import { CampaignId, TOPICS, type CampaignDefinedV1 } from '@satupintu/contracts';
import { campaignCounter, isRealDate, levelOf, officialRegions, parentOf, type Counters } from '@satupintu/domain';
import { enqueueOutbox } from '@satupintu/persistence';
import { ApiError, DATA_SOURCE, outboxEvent } from '@satupintu/platform';
import { stringify } from 'csv-stringify/sync';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { parseBody } from '../http/params';
import { ancestorsOf, knownRegion } from '../regions/known-region';

const Day = z.string().refine(isRealDate, 'a date (YYYY-MM-DD)');
export const CampaignBody = z
  .strictObject({ name: z.string().trim().min(1).max(200), startsOn: Day, endsOn: Day })
  .refine((c) => c.startsOn <= c.endsOn, { message: 'endsOn must not be before startsOn', path: ['endsOn'] });
export const TargetsBody = z.strictObject({
  targets: z
    .array(z.strictObject({ regionCode: z.string().max(20).refine((c) => levelOf(c) !== null && c !== 'ID', 'a province, regency, district or village code'), families: z.number().int().min(1).max(100_000_000) }))
    .min(1)
    .max(100_000),
});

const MAX_BEHIND = 10;
const pct = (registered: number, target: number | null) => (target ? Math.round((10_000 * registered) / target) / 100 : null);

interface CampaignRow {
  campaign_id: string;
  name: string;
  starts_on: string;
  ends_on: string;
  revision: number;
}

/**
 * Collection campaigns (e.g. a family-data update month): the window, defined here and sent to
 * aggregation (which counts families registered or updated in it per region and day), and targets per
 * region. Progress = families counted / target, with a daily series, ranking and the regions furthest behind.
 */
@Injectable()
export class CampaignsService {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  campaignId(id: string): string {
    if (!CampaignId.safeParse(id).success) throw new ApiError(404, 'CAMPAIGN_NOT_FOUND', 'no campaign has this id');
    return id;
  }

  async list() {
    const rows: CampaignRow[] = await this.db.query(
      `select campaign_id, name, to_char(starts_on, 'YYYY-MM-DD') as starts_on, to_char(ends_on, 'YYYY-MM-DD') as ends_on, revision from gateway.campaigns order by starts_on desc, campaign_id`,
    );
    return { campaigns: rows.map(view) };
  }

  async define(id: string, body: unknown) {
    const c = parseBody(CampaignBody, body);
    return this.db.transaction(async (m) => {
      const [row]: CampaignRow[] = await m.query(
        `insert into gateway.campaigns (campaign_id, name, starts_on, ends_on, revision, created_at, updated_at) values ($1, $2, $3, $4, 1, now(), now())
         on conflict (campaign_id) do update set name = excluded.name, starts_on = excluded.starts_on, ends_on = excluded.ends_on,
           revision = gateway.campaigns.revision + 1, updated_at = now()
         returning campaign_id, name, to_char(starts_on, 'YYYY-MM-DD') as starts_on, to_char(ends_on, 'YYYY-MM-DD') as ends_on, revision`,
        [id, c.name, c.startsOn, c.endsOn],
      );
      const event: CampaignDefinedV1 = { eventId: randomUUID(), occurredAt: new Date().toISOString(), campaignId: id, name: c.name, startsOn: c.startsOn, endsOn: c.endsOn, revision: row.revision };
      await enqueueOutbox(m, 'gateway', [outboxEvent(TOPICS.campaignDefined, id, event)]);
      return view(row);
    });
  }

  /** Replaces the campaign's targets (one per region; a region without one sums its children's). */
  async setTargets(id: string, body: unknown) {
    const { targets } = parseBody(TargetsBody, body);
    const codes = targets.map((t) => t.regionCode);
    const twice = codes.filter((c, i) => codes.indexOf(c) !== i);
    if (twice.length > 0) throw new ApiError(400, 'INVALID_REQUEST', 'a region has more than one target', [{ path: 'targets', message: `twice: ${[...new Set(twice)].slice(0, 10).join(', ')}` }]);
    const catalogue = officialRegions();
    const unknown = codes.filter((c) => !catalogue.has(c));
    if (unknown.length > 0) throw new ApiError(400, 'INVALID_REQUEST', 'unknown region codes', [{ path: 'targets', message: unknown.slice(0, 10).join(', ') }]);
    return this.db.transaction(async (m) => {
      await this.lock(m, id);
      await m.query('delete from gateway.campaign_targets where campaign_id = $1', [id]);
      await m.query(
        `insert into gateway.campaign_targets (campaign_id, region_code, families) select $1, t.code, t.families from unnest($2::text[], $3::int[]) as t(code, families)`,
        [id, codes, targets.map((t) => t.families)],
      );
      return { campaignId: id, targets: targets.length };
    });
  }

  private async lock(m: { query: DataSource['query'] }, id: string): Promise<CampaignRow> {
    const [row]: CampaignRow[] = await m.query(
      `select campaign_id, name, to_char(starts_on, 'YYYY-MM-DD') as starts_on, to_char(ends_on, 'YYYY-MM-DD') as ends_on, revision from gateway.campaigns where campaign_id = $1 for update`,
      [id],
    );
    if (!row) throw new ApiError(404, 'CAMPAIGN_NOT_FOUND', 'no campaign has this id');
    return row;
  }

  async progress(id: string, code: string) {
    const { catalogue, level } = knownRegion(code);
    const [campaign]: CampaignRow[] = await this.db.query(
      `select campaign_id, name, to_char(starts_on, 'YYYY-MM-DD') as starts_on, to_char(ends_on, 'YYYY-MM-DD') as ends_on, revision from gateway.campaigns where campaign_id = $1`,
      [id],
    );
    if (!campaign) throw new ApiError(404, 'CAMPAIGN_NOT_FOUND', 'no campaign has this id');
    const under = code === 'ID' ? '' : `${code}.`;
    const targetRows: Array<{ region_code: string; families: number }> = await this.db.query(
      `select region_code, families from gateway.campaign_targets where campaign_id = $1 and (region_code = $2 or $3 = '' or starts_with(region_code, $3))`,
      [id, code, under],
    );
    const explicit = new Map(targetRows.map((t) => [t.region_code, t.families]));
    const childTargets = new Map<string, string[]>();
    for (const c of explicit.keys()) {
      for (let child = c, parent = parentOf(c); parent !== null; child = parent, parent = parentOf(parent)) {
        const list = childTargets.get(parent) ?? [];
        if (!list.includes(child)) list.push(child);
        childTargets.set(parent, list);
      }
    }
    const targets = new Map<string, number | null>();
    const targetOf = (region: string): number | null => {
      if (!targets.has(region)) {
        const children = childTargets.get(region);
        targets.set(region, explicit.get(region) ?? (children ? children.reduce((s, c) => s + (targetOf(c) ?? 0), 0) : null));
      }
      return targets.get(region)!;
    };
    const key = campaignCounter(id);
    const rows: Array<{ region_code: string; level: string; registered: number; counters: Counters | null }> = await this.db.query(
      `select region_code, level, coalesce((counters->>$2)::int, 0) as registered, case when region_code = $1 then counters end as counters
         from gateway.region_indicators where region_code = $1 or parent_code = $1
            or (level = 'village' and ($3 = '' or starts_with(region_code, $3)))`,
      [code, key, under],
    );
    const own = rows.find((r) => r.region_code === code);
    const registered = own?.registered ?? 0;
    const target = targetOf(code);
    let cumulative = 0;
    const daily = Object.entries(own?.counters ?? {})
      .filter(([k]) => k.startsWith(`${key}.`))
      .map(([k, v]) => ({ day: k.slice(key.length + 1), registered: v }))
      .sort((a, b) => a.day.localeCompare(b.day))
      .map((d) => ({ ...d, cumulative: (cumulative += d.registered), coverage: pct(cumulative, target) }));
    const regionView = (r: { region_code: string; registered: number }) => {
      const t = targetOf(r.region_code);
      return { code: r.region_code, name: catalogue.get(r.region_code)?.name ?? null, target: t, registered: r.registered, coverage: pct(r.registered, t) };
    };
    const childCodes = new Set([...(childTargets.get(code) ?? []), ...rows.filter((r) => parentOf(r.region_code) === code).map((r) => r.region_code)]);
    const registeredBy = new Map(rows.map((r) => [r.region_code, r.registered]));
    const ranked = [...childCodes]
      .map((c) => regionView({ region_code: c, registered: registeredBy.get(c) ?? 0 }))
      .sort((a, b) => (b.coverage ?? -1) - (a.coverage ?? -1) || a.code.localeCompare(b.code))
      .map((r, i) => ({ rank: i + 1, ...r }));
    const villages = new Set([...[...explicit.keys()].filter((c) => levelOf(c) === 'village'), ...rows.filter((r) => r.level === 'village').map((r) => r.region_code)]);
    const behind = [...villages]
      .filter((c) => level !== 'village' && targetOf(c) !== null)
      .map((c) => regionView({ region_code: c, registered: registeredBy.get(c) ?? 0 }))
      .sort((a, b) => a.coverage! - b.coverage! || a.code.localeCompare(b.code))
      .slice(0, MAX_BEHIND);
    return {
      campaign: view(campaign),
      region: { code, name: catalogue.get(code)?.name ?? null, level, ancestors: ancestorsOf(code, catalogue) },
      target,
      registered,
      coverage: pct(registered, target),
      daily,
      children: ranked,
      behind,
    };
  }

  progressCsv(p: Awaited<ReturnType<CampaignsService['progress']>>): string {
    return stringify(
      p.children.map((c) => [p.campaign.id, c.rank, c.code, c.name ?? '', c.target ?? '', c.registered, c.coverage ?? '']),
      { header: true, columns: ['campaign', 'rank', 'region_code', 'region_name', 'target', 'registered', 'coverage_percent'] },
    );
  }
}

function view(r: CampaignRow) {
  return { id: r.campaign_id, name: r.name, startsOn: r.starts_on, endsOn: r.ends_on, revision: r.revision };
}
