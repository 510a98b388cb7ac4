import { evaluateFamily, todayIn, whoGrowthTables, type ProgrammeDefinition } from '@satupintu/domain';
import type { Protector } from '@satupintu/protection';
import type { DataSource } from 'typeorm';
import { openFamilyState, planChanges, publishFamilyDecisions, saveChanges, type ChangeKind } from '../decisions/decision-store';
import type { ProgrammeCatalog } from '../programmes/programme-catalog';

export interface BackfillOptions {
  /** Programme versions to put in force (the other active programmes stay as they are). */
  programmes: ProgrammeDefinition[];
  /** Report what would change, by region, without writing or publishing anything. */
  dryRun: boolean;
  timeZone: string;
  chunkSize?: number;
  onProgress?: (familiesDone: number, familiesTotal: number) => void;
  /** Checked between chunks: true stops the run early (the report then says `stopped`). */
  shouldStop?: () => boolean;
  /** Opens the stored states (sealed at rest). */
  protector: Protector;
}

type Counts = Record<ChangeKind, number>;

export interface BackfillReport {
  dryRun: boolean;
  programmes: Array<{ id: string; version: number }>;
  evaluatedOn: string;
  families: number;
  persons: number;
  decisions: number;
  /** Decisions stored for the first time without news (a first "not eligible"). */
  recordedSilently: number;
  changes: Counts;
  /** Changes per regency/city. */
  byRegion: Record<string, Counts>;
  seconds: number;
  stopped: boolean;
}

const zero = (): Counts => ({ 'became-eligible': 0, 'no-longer-eligible': 0, 'reason-changed': 0 });

/**
 * Re-evaluates every family the service knows with a new set of programme versions, streaming in
 * chunks (keyset order, one transaction per chunk), publishing only decisions that change. A dry
 * run reads the same way and counts, by regency/city, how many decisions would change.
 */
export async function runBackfill(db: DataSource, catalog: ProgrammeCatalog, options: BackfillOptions): Promise<BackfillReport> {
  const started = Date.now();
  const chunkSize = options.chunkSize ?? 1000;
  const onDate = todayIn(options.timeZone);
  const growth = whoGrowthTables();
  // Activate first: from then on the change consumers evaluate with the new versions too, and the
  // backfill catches every family whose decisions were made with the old ones.
  if (!options.dryRun) await db.transaction((m) => catalog.activate(m, options.programmes));
  const programmes = options.dryRun ? await catalog.activeWith(options.programmes) : await catalog.active();
  const [{ total }] = await db.query('select count(*)::int as total from eligibility.families');

  const report: BackfillReport = {
    dryRun: options.dryRun,
    programmes: programmes.map((p) => ({ id: p.id, version: p.version })),
    evaluatedOn: onDate,
    families: 0,
    persons: 0,
    decisions: 0,
    recordedSilently: 0,
    changes: zero(),
    byRegion: {},
    seconds: 0,
    stopped: false,
  };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const done = await db.transaction(async (m) => {
      // Locked (unless a dry run): a change of one of these families waits for this chunk, then
      // re-evaluates its newer state; this chunk never overwrites decisions made from a newer state.
      const stored: Array<{ family_id: string; state: unknown }> = await m.query(
        `select family_id, state from eligibility.families where family_id > $1 order by family_id limit $2${options.dryRun ? '' : ' for update'}`,
        [after, chunkSize],
      );
      const rows = await Promise.all(stored.map(async (r) => ({ family_id: r.family_id, state: await openFamilyState(options.protector, r.state) })));
      if (rows.length === 0) return true;
      after = rows[rows.length - 1].family_id;
      const regencyOf = new Map(rows.map((r) => [r.family_id, r.state.address.regencyCode]));
      const villageOf = new Map(rows.map((r) => [r.family_id, r.state.address.villageCode]));
      const decisions = rows.flatMap((r) => evaluateFamily(r.state, programmes, onDate, growth));
      const changes = await planChanges(m, decisions, !options.dryRun);
      for (const c of changes) {
        if (c.kind === null) {
          report.recordedSilently += 1;
          continue;
        }
        report.changes[c.kind] += 1;
        const region = regencyOf.get(c.decision.familyId) ?? 'unknown';
        (report.byRegion[region] ??= zero())[c.kind] += 1;
      }
      if (!options.dryRun) {
        await saveChanges(m, changes, onDate, (id) => villageOf.get(id) ?? '');
        const touched = new Set(changes.map((c) => c.decision.familyId));
        const byFamily = Map.groupBy(decisions, (d) => d.familyId);
        await publishFamilyDecisions(
          m,
          rows.filter((r) => touched.has(r.family_id)).map((r) => ({ familyId: r.family_id, villageCode: r.state.address.villageCode, decisions: byFamily.get(r.family_id) ?? [] })),
          touched,
          onDate,
        );
      }
      report.families += rows.length;
      report.persons += rows.reduce((s, r) => s + r.state.members.length, 0);
      report.decisions += decisions.length;
      return false;
    });
    options.onProgress?.(report.families, total);
    if (done) break;
    if (options.shouldStop?.()) {
      report.stopped = true;
      break;
    }
  }
  report.seconds = (Date.now() - started) / 1000;
  return report;
}
