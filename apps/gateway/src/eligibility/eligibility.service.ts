import { Inject, Injectable } from '@nestjs/common';
import type { CriterionResult, EligibilityProgrammeActivatedV1 } from '@satupintu/contracts';
import { ancestry, hiddenProgrammeCounts, parentOf, programmeCounters, regionPathOf, type RegionLevelName } from '@satupintu/domain';
import { ApiError, CONFIG, DATA_SOURCE, REDIS, type BaseConfig } from '@satupintu/platform';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Caller } from '../auth/caller';
import { ancestorsOf, knownRegion } from '../regions/known-region';

export interface ExplainedDecision {
  programmeId: string;
  programmeVersion: number;
  programme: { name: { id: string; en: string }; agency: string } | null;
  targetUnit: 'person' | 'family';
  personId: string | null;
  eligible: boolean;
  evaluatedOn: string;
  criteria: Array<CriterionResult & { description: string | null; group: string | null }>;
}

interface DecisionRow {
  family_id: string;
  person_id: string | null;
  programme_id: string;
  programme_version: number;
  target_unit: 'person' | 'family';
  eligible: boolean;
  criteria: CriterionResult[];
  evaluated_on: string;
  village_code: string;
}

export interface ProgrammeCount {
  programmeId: string;
  /** null when suppressed (a small count; docs/security.md "Small-cell suppression"). */
  eligible: number | null;
  notEligible: number | null;
  suppressed?: true;
}

export interface RegionEligibility {
  code: string;
  name: string | null;
  level: RegionLevelName;
  /** The regions above, from the country down (for breadcrumbs). */
  ancestors?: Array<{ code: string; name: string | null }>;
  programmes: Array<ProgrammeCount & { name: { id: string; en: string } | null; agency: string | null; targetUnit: string | null; version: number | null }>;
  children: Array<{ code: string; name: string | null; programmes: ProgrammeCount[] }>;
  /** The minimum cell size applied, or null (a caller granted the detail). */
  minCellSize?: number | null;
}

const CACHE_TTL_SECONDS = 300;
/** Characters of a village code that name the child region one level below each level. */
const CHILD_PREFIX: Record<RegionLevelName, number | null> = { country: 2, province: 5, regency: 8, district: 13, village: null };

/**
 * Eligibility for people and for the dashboard: decisions with their explanations (the value seen
 * for every criterion, described in words), and counts per programme and region. Read from the
 * gateway's read model; counts are cached in Redis and dropped when a family in the region changes.
 */
@Injectable()
export class EligibilityService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: BaseConfig,
  ) {}

  private cacheKey(code: string): string {
    return `${this.config.KAFKA_TOPIC_PREFIX}gateway:eligibility-counts:v1:${code}`;
  }

  private async programmes(): Promise<Map<string, EligibilityProgrammeActivatedV1>> {
    const rows: Array<{ description: EligibilityProgrammeActivatedV1 }> = await this.db.query('select description from gateway.programmes');
    return new Map(rows.map((r) => [r.description.programmeId, r.description]));
  }

  private explain(rows: DecisionRow[], programmes: Map<string, EligibilityProgrammeActivatedV1>): ExplainedDecision[] {
    return rows.map((r) => {
      // Descriptions belong to the version in force; a decision made with another version keeps its bare ids.
      const p = programmes.get(r.programme_id);
      const described = p && p.version === r.programme_version ? new Map(p.criteria.map((c) => [c.id, c])) : new Map();
      return {
        programmeId: r.programme_id,
        programmeVersion: r.programme_version,
        programme: p ? { name: p.name, agency: p.agency } : null,
        targetUnit: r.target_unit,
        personId: r.person_id,
        eligible: r.eligible,
        evaluatedOn: r.evaluated_on,
        criteria: r.criteria.map((c) => ({ ...c, description: described.get(c.criterion)?.description ?? null, group: described.get(c.criterion)?.group ?? null })),
      };
    });
  }

  private decisionRows(where: string, id: string): Promise<DecisionRow[]> {
    return this.db.query(
      `select family_id, person_id, programme_id, programme_version, target_unit, eligible, criteria,
              to_char(evaluated_on, 'YYYY-MM-DD') as evaluated_on, village_code
         from gateway.eligibility_decisions where ${where} order by programme_id, person_id nulls first`,
      [id],
    );
  }

  /** A person's decisions: their own programmes and their family's. */
  async forPerson(personId: string, caller: Caller) {
    const own = await this.decisionRows('person_id = $1', personId);
    const notFound = new ApiError(404, 'PERSON_NOT_FOUND', 'no eligibility decisions for this person');
    if (own.length === 0) throw notFound;
    caller.assertVisible(own[0].village_code, notFound);
    const familyId = own[0].family_id;
    caller.touched([personId, familyId], own[0].village_code);
    const family = await this.decisionRows(`family_id = $1 and target_unit = 'family'`, familyId);
    return { personId, familyId, villageCode: own[0].village_code, decisions: this.explain([...own, ...family], await this.programmes()) };
  }

  /** A family's decisions: its own and every member's. */
  async forFamily(familyId: string, caller: Caller) {
    const rows = await this.decisionRows('family_id = $1', familyId);
    const notFound = new ApiError(404, 'FAMILY_NOT_FOUND', 'no eligibility decisions for this family');
    if (rows.length === 0) throw notFound;
    caller.assertVisible(rows[0].village_code, notFound);
    caller.touched([familyId], rows[0].village_code);
    return { familyId, villageCode: rows[0].village_code, decisions: this.explain(rows, await this.programmes()) };
  }

  /** Eligible and not eligible subjects per programme in a region and each of its child regions. */
  /**
   * A region's eligible and not eligible counts per programme, and its children's. Small counts are
   * suppressed below `minCellSize` with complementary suppression, decided in the parent's table as
   * for indicators, unless `minCellSize` is null (a caller granted the detail).
   */
  async counts(code: string, programmeId: string | undefined, minCellSize: number | null): Promise<RegionEligibility> {
    const { catalogue } = knownRegion(code);
    const programmes = await this.programmes();
    if (programmeId !== undefined && !programmes.has(programmeId)) throw new ApiError(404, 'PROGRAMME_NOT_FOUND', 'no programme has this id');
    let result = await this.unsuppressedCounts(code, programmes);
    if (minCellSize !== null) result = await this.suppress(result, programmes, minCellSize);
    result = { ...result, ancestors: ancestorsOf(code, catalogue), minCellSize };
    if (programmeId === undefined) return result;
    return {
      ...result,
      programmes: result.programmes.filter((p) => p.programmeId === programmeId),
      children: result.children.map((c) => ({ ...c, programmes: c.programmes.filter((p) => p.programmeId === programmeId) })),
    };
  }

  /** The counts with small cells hidden: the region's own row as its parent's table decides it. */
  private async suppress(result: RegionEligibility, programmes: Map<string, EligibilityProgrammeActivatedV1>, minCellSize: number): Promise<RegionEligibility> {
    const ids = result.programmes.map((p) => p.programmeId);
    const rowOf = (counts: ProgrammeCount[]) => Object.assign({}, ...counts.map((c) => programmeCounters(c.programmeId, { eligible: c.eligible ?? 0, notEligible: c.notEligible ?? 0 }))) as Record<string, number>;
    const tableOf = (r: RegionEligibility) => ({ own: rowOf(r.programmes), children: r.children.map((c) => rowOf(c.programmes)) });
    const parentCode = parentOf(result.code);
    const parentCounts = parentCode === null ? null : await this.unsuppressedCounts(parentCode, programmes);
    const index = parentCounts?.children.findIndex((c) => c.code === result.code) ?? -1;
    const hidden = hiddenProgrammeCounts(ids, tableOf(result), minCellSize, parentCounts && index >= 0 ? { table: tableOf(parentCounts), index } : undefined);
    const hide = <T extends ProgrammeCount>(c: T, cells: Set<string>): T => (cells.has(c.programmeId) ? { ...c, eligible: null, notEligible: null, suppressed: true } : c);
    return {
      ...result,
      programmes: result.programmes.map((p) => hide(p, hidden.own)),
      children: result.children.map((c, i) => ({ ...c, programmes: c.programmes.map((p) => hide(p, hidden.children[i])) })),
    };
  }

  /** Every count as it is (cached for a few minutes; dropped when a decision in the region changes). */
  private async unsuppressedCounts(code: string, programmes: Map<string, EligibilityProgrammeActivatedV1>): Promise<RegionEligibility> {
    const { level, catalogue } = knownRegion(code);
    let result: RegionEligibility | undefined;
    const cached = await this.redis.get(this.cacheKey(code)).catch(() => null);
    if (cached) result = JSON.parse(cached) as RegionEligibility;
    if (!result) {
      const prefix = CHILD_PREFIX[level];
      // Region codes are checked against the catalogue above: digits and dots only.
      const rows: Array<{ programme_id: string; child: string | null; eligible: number; not_eligible: number }> = await this.db.query(
        `select programme_id, ${prefix === null ? 'null' : `left(village_code, ${prefix})`} as child,
                count(*) filter (where eligible)::int as eligible, count(*) filter (where not eligible)::int as not_eligible
           from gateway.eligibility_decisions
          ${level === 'country' ? '' : `where village_code = $1 or village_code like $1 || '.%'`}
          group by 1, 2`,
        level === 'country' ? [] : [code],
      );
      const totals = new Map<string, { programmeId: string; eligible: number; notEligible: number }>();
      const children = new Map<string, ProgrammeCount[]>();
      for (const r of rows) {
        const t = totals.get(r.programme_id) ?? { programmeId: r.programme_id, eligible: 0, notEligible: 0 };
        t.eligible += r.eligible;
        t.notEligible += r.not_eligible;
        totals.set(r.programme_id, t);
        if (r.child !== null) {
          const list = children.get(r.child) ?? [];
          list.push({ programmeId: r.programme_id, eligible: r.eligible, notEligible: r.not_eligible });
          children.set(r.child, list);
        }
      }
      const ids = [...new Set([...programmes.keys(), ...totals.keys()])].sort();
      result = {
        code,
        name: catalogue.get(code)?.name ?? null,
        level,
        programmes: ids.map((id) => {
          const p = programmes.get(id);
          return {
            programmeId: id,
            name: p?.name ?? null,
            agency: p?.agency ?? null,
            targetUnit: p?.targetUnit ?? null,
            version: p?.version ?? null,
            eligible: totals.get(id)?.eligible ?? 0,
            notEligible: totals.get(id)?.notEligible ?? 0,
          };
        }),
        children: [...children.entries()]
          .map(([child, counts]) => ({ code: child, name: catalogue.get(child)?.name ?? null, programmes: counts.sort((a, b) => a.programmeId.localeCompare(b.programmeId)) }))
          .sort((a, b) => a.code.localeCompare(b.code)),
      };
      await this.redis.set(this.cacheKey(code), JSON.stringify(result), 'EX', CACHE_TTL_SECONDS).catch(() => undefined);
    }
    return result;
  }

  /** Drops cached counts of the villages and every region above them. */
  async invalidateRegions(villageCodes: string[]): Promise<void> {
    const codes = new Set(villageCodes.flatMap((v) => {
      const path = regionPathOf(v);
      return path ? ancestry(path) : [];
    }));
    if (codes.size > 0) await this.redis.del(...[...codes].map((c) => this.cacheKey(c)));
  }

  /** Programme names are part of every cached count: a new version drops them all. */
  async invalidateProgrammes(): Promise<void> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', this.cacheKey('*'), 'COUNT', 1000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    if (keys.length > 0) await this.redis.del(...keys);
  }
}
