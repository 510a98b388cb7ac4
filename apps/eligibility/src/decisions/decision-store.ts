import { TOPICS, type FamilyState } from '@satupintu/contracts';
import type { Decision } from '@satupintu/domain';
import { enqueueOutbox } from '@satupintu/persistence';
import { outboxEvent } from '@satupintu/platform';
import { openJsonColumn, PROTECTED, sealJsonColumn, withoutDirectIdentifiers, type Protector } from '@satupintu/protection';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { failedCriteria, isChange, needsWrite, subjectOf, type StoredDecision } from './decide';

export type ChangeKind = 'became-eligible' | 'no-longer-eligible' | 'reason-changed';

export interface PlannedChange {
  decision: Decision;
  stored: StoredDecision | undefined;
  /** Set when agencies are told (an event is published). */
  kind: ChangeKind | null;
}

function kindOf(d: Decision, stored: StoredDecision | undefined): ChangeKind | null {
  if (!isChange(d, stored)) return null;
  if (d.eligible && !stored?.eligible) return 'became-eligible';
  if (!d.eligible && stored?.eligible) return 'no-longer-eligible';
  return 'reason-changed';
}

/**
 * Compares fresh decisions with the stored ones (locking those rows) and returns what must be
 * written and what must be published. Shared by the change consumer and the backfill.
 */
export async function planChanges(m: EntityManager, decisions: Decision[], lock: boolean): Promise<PlannedChange[]> {
  if (decisions.length === 0) return [];
  const stored: Array<{ subject_id: string; programme_id: string; eligible: boolean; failed: string[] }> = await m.query(
    `select subject_id, programme_id, eligible, failed from eligibility.decisions where subject_id = any($1::uuid[])${lock ? ' for update' : ''}`,
    [[...new Set(decisions.map(subjectOf))]],
  );
  const storedBy = new Map<string, StoredDecision>(stored.map((s) => [`${s.subject_id}|${s.programme_id}`, { eligible: s.eligible, failed: s.failed }]));
  const out: PlannedChange[] = [];
  for (const d of decisions) {
    const s = storedBy.get(`${subjectOf(d)}|${d.programmeId}`);
    if (needsWrite(d, s)) out.push({ decision: d, stored: s, kind: kindOf(d, s) });
  }
  return out;
}

/** Writes the planned decisions and puts an event in the outbox for each published change. */
export async function saveChanges(
  m: EntityManager,
  changes: PlannedChange[],
  onDate: string,
  villageOf: (familyId: string) => string,
  correlationOf: (familyId: string) => string | undefined = () => undefined,
): Promise<number> {
  if (changes.length === 0) return 0;
  const rows = changes.map((c) => c.decision);
  await m.query(
    `insert into eligibility.decisions (subject_id, programme_id, family_id, target_unit, programme_version, eligible, failed, criteria, evaluated_on, updated_at)
     select t.*, now() from unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::int[], $6::bool[], $7::jsonb[], $8::jsonb[], $9::date[])
       as t(subject_id, programme_id, family_id, target_unit, programme_version, eligible, failed, criteria, evaluated_on)
     on conflict (subject_id, programme_id) do update
       set family_id = excluded.family_id, target_unit = excluded.target_unit, programme_version = excluded.programme_version,
           eligible = excluded.eligible, failed = excluded.failed, criteria = excluded.criteria, evaluated_on = excluded.evaluated_on, updated_at = now()`,
    [
      rows.map(subjectOf),
      rows.map((d) => d.programmeId),
      rows.map((d) => d.familyId),
      rows.map((d) => (d.personId ? 'person' : 'family')),
      rows.map((d) => d.programmeVersion),
      rows.map((d) => d.eligible),
      rows.map((d) => JSON.stringify(failedCriteria(d.criteria))),
      rows.map((d) => JSON.stringify(d.criteria)),
      rows.map(() => onDate),
    ],
  );
  const now = new Date().toISOString();
  const published = changes.filter((c) => c.kind !== null);
  await enqueueOutbox(
    m,
    'eligibility',
    published.map(({ decision: d, stored }) =>
      outboxEvent(
        TOPICS.eligibilityDecisionChanged,
        d.familyId,
        {
          eventId: randomUUID(),
          occurredAt: now,
          familyId: d.familyId,
          personId: d.personId,
          targetUnit: d.personId ? 'person' : 'family',
          villageCode: villageOf(d.familyId),
          programmeId: d.programmeId,
          programmeVersion: d.programmeVersion,
          eligible: d.eligible,
          previouslyEligible: stored?.eligible ?? null,
          criteria: d.criteria,
          evaluatedOn: onDate,
        },
        correlationOf(d.familyId),
      ),
    ),
  );
  return published.length;
}

/**
 * Eligibility's copy of a family's state, as stored: without NIKs, KK and names (rules never read
 * them), and sealed (birth dates stay for ages; docs/security.md "Encryption at rest").
 */
export function sealFamilyState(protector: Protector, state: FamilyState): Promise<string> {
  return sealJsonColumn(protector, withoutDirectIdentifiers(state), PROTECTED.eligibility.familyState);
}

/** A stored state opened; one stored before it was sealed is the document itself. */
export function openFamilyState(protector: Protector, stored: unknown): Promise<FamilyState> {
  return openJsonColumn<FamilyState>(protector, stored, PROTECTED.eligibility.familyState);
}

/** Keeps the service's own copy of each family's latest state (the backfill reads it). */
export async function saveFamilyStates(m: EntityManager, protector: Protector, states: Array<{ familyId: string; version: number; after: FamilyState | null }>): Promise<void> {
  // In id order, as the backfill locks them: two transactions never wait on each other in a cycle.
  const upserts = states.filter((s) => s.after !== null).sort((a, b) => a.familyId.localeCompare(b.familyId));
  const removed = states.filter((s) => s.after === null).map((s) => s.familyId);
  if (upserts.length > 0) {
    await m.query(
      `insert into eligibility.families (family_id, version, village_code, state, updated_at)
       select t.*, now() from unnest($1::uuid[], $2::int[], $3::text[], $4::jsonb[]) as t(family_id, version, village_code, state)
       on conflict (family_id) do update
         set version = excluded.version, village_code = excluded.village_code, state = excluded.state, updated_at = now()
         where eligibility.families.version < excluded.version`,
      [upserts.map((s) => s.familyId), upserts.map((s) => s.version), upserts.map((s) => s.after!.address.villageCode), await Promise.all(upserts.map((s) => sealFamilyState(protector, s.after!)))],
    );
  }
  if (removed.length > 0) await m.query('delete from eligibility.families where family_id = any($1::uuid[])', [removed]);
}

/** One family whose decisions may have to be told to read models. */
export interface FamilyToPublish {
  familyId: string;
  villageCode: string;
  /** The family's decisions just evaluated with every programme in force; null: the family left the registry. */
  decisions: Decision[] | null;
}

/**
 * Sends the full current decisions of each family that needs it (eligible or not, with explanations)
 * on the compacted family-decisions topic: families whose decisions were just written (`touched`),
 * families that moved village since last told, and families that left the registry.
 */
export async function publishFamilyDecisions(
  m: EntityManager,
  families: FamilyToPublish[],
  touched: ReadonlySet<string>,
  onDate: string,
  correlationOf: (familyId: string) => string | undefined = () => undefined,
): Promise<number> {
  if (families.length === 0) return 0;
  const prior: Array<{ family_id: string; village_code: string; removed: boolean }> = await m.query(
    'select family_id, village_code, removed from eligibility.published_families where family_id = any($1::uuid[]) for update',
    [families.map((f) => f.familyId)],
  );
  const priorBy = new Map(prior.map((p) => [p.family_id, p]));
  const due = families.filter((f) => {
    const p = priorBy.get(f.familyId);
    if (f.decisions === null) return p !== undefined && !p.removed;
    return touched.has(f.familyId) || (p !== undefined && (p.village_code !== f.villageCode || p.removed));
  });
  if (due.length === 0) return 0;
  const removed = due.filter((f) => f.decisions === null).map((f) => f.familyId);
  if (removed.length > 0) await m.query(`delete from eligibility.decisions where family_id = any($1::uuid[]) and target_unit = 'family'`, [removed]);

  const revisions: Array<{ family_id: string; revision: number }> = await m.query(
    `insert into eligibility.published_families (family_id, revision, village_code, removed, updated_at)
     select t.family_id, 1, t.village_code, t.removed, now() from unnest($1::uuid[], $2::text[], $3::bool[]) as t(family_id, village_code, removed)
     on conflict (family_id) do update
       set revision = eligibility.published_families.revision + 1, village_code = excluded.village_code, removed = excluded.removed, updated_at = now()
     returning family_id, revision`,
    [due.map((f) => f.familyId), due.map((f) => f.villageCode), due.map((f) => f.decisions === null)],
  );
  const revisionOf = new Map(revisions.map((r) => [r.family_id, r.revision]));
  const now = new Date().toISOString();
  await enqueueOutbox(
    m,
    'eligibility',
    due.map((f) =>
      outboxEvent(
        TOPICS.eligibilityFamilyDecisions,
        f.familyId,
        {
          eventId: randomUUID(),
          occurredAt: now,
          familyId: f.familyId,
          revision: revisionOf.get(f.familyId)!,
          villageCode: f.villageCode,
          removed: f.decisions === null,
          decisions: (f.decisions ?? []).map((d) => ({
            programmeId: d.programmeId,
            programmeVersion: d.programmeVersion,
            personId: d.personId,
            targetUnit: d.personId ? 'person' : 'family',
            eligible: d.eligible,
            criteria: d.criteria,
            evaluatedOn: onDate,
          })),
        },
        correlationOf(f.familyId),
      ),
    ),
  );
  return due.length;
}
