import {
  TOPICS,
  type EligibilityFamilyDecisionsV1,
  type FamilyState,
  type PersonMergedV1,
  type PersonSnapshot,
  type ReviewTaskV1,
} from '@satupintu/contracts';
import { encodeEvent } from '@satupintu/kafka';
import { formatNik, officialRegions } from '@satupintu/domain';
import { authFetch, createPrincipal, eventually, family, familyChanged, familyState, produce, submit, type TestPrincipal, type TestStack } from '@satupintu/testing';
import { randomUUID } from 'node:crypto';

/** Where a record lies for a caller: inside its regions, or outside them. */
export type Where = 'in' | 'out';

/** Two villages: IN lies in Jakarta Pusat (31.71), where the test principals work; OUT in Jakarta Utara (31.72). */
export const VILLAGE = { in: officialRegions().childrenOf('31.71.01')[0], out: officialRegions().childrenOf('31.72.01')[0] };

let serial = 100;

/** A registry family in a village with a head whose NIK and the KK are unique in the test. */
export function registryFamily(village: string): FamilyState {
  const s = serial++;
  const state = familyState(village, ['1980-01-01', '2015-05-05']);
  const district = village.slice(0, 8);
  state.kk = `${district.replace(/\./g, '')}0101${String(s).padStart(6, '0')}`;
  state.members[0].nik = formatNik(district, '1980-01-01', 'M', s);
  return state;
}

function snapshot(village: string): PersonSnapshot {
  return { personId: randomUUID(), nik: null, name: 'Orang Uji', sex: 'M', birthDate: '1980-01-01', attributes: {}, familyId: null, kk: null, villageCode: village, relationship: null };
}

export function reviewTask(village: string): ReviewTaskV1 {
  const now = new Date().toISOString();
  return {
    eventId: randomUUID(), occurredAt: now, taskId: randomUUID(), revision: 1, status: 'open', reason: 'probable-match', villageCode: village, openedAt: now,
    a: snapshot(village), b: snapshot(village), match: { score: 6, probability: 0.8, parts: [] }, decision: null,
  };
}

export function merge(village: string): PersonMergedV1 {
  const survivor = snapshot(village);
  return { eventId: randomUUID(), occurredAt: new Date().toISOString(), mergeId: randomUUID(), survivorId: survivor.personId, mergedId: randomUUID(), decidedBy: { type: 'automatic' }, match: null, survivor };
}

export function decisions(f: FamilyState): EligibilityFamilyDecisionsV1 {
  return {
    eventId: randomUUID(), occurredAt: new Date().toISOString(), familyId: f.familyId, revision: 1, villageCode: f.address.villageCode, removed: false,
    decisions: [{ programmeId: 'klj', programmeVersion: 1, personId: f.members[0].personId, targetUnit: 'person', eligible: true, criteria: [{ criterion: 'age', value: 46, passed: true }], evaluatedOn: '2026-11-01' }],
  };
}

export interface World {
  principals: Record<'cadre' | 'supervisor' | 'analyst' | 'agency' | 'admin', TestPrincipal>;
  families: Record<Where, FamilyState>;
  submissions: Record<Where, string>;
  tasks: Record<Where, ReviewTaskV1>;
  merges: Record<Where, PersonMergedV1>;
}

/** Principals of every role working in 31.71 (the cadre in one village of it), and records inside and outside. */
export async function seedWorld(stack: TestStack, url: string): Promise<World> {
  const principals = {
    cadre: await createPrincipal(url, { role: 'cadre', regions: [VILLAGE.in] }),
    supervisor: await createPrincipal(url, { role: 'supervisor', regions: ['31.71'] }),
    analyst: await createPrincipal(url, { role: 'analyst', regions: ['31.71'] }),
    agency: await createPrincipal(url, { role: 'agency', regions: ['31.71'], kind: 'system', agency: 'dinsos-dki', purposes: ['social-protection'] }),
    admin: await createPrincipal(url, { role: 'admin', regions: ['31.71'] }),
  };
  const families = { in: registryFamily(VILLAGE.in), out: registryFamily(VILLAGE.out) };
  const tasks = { in: reviewTask(VILLAGE.in), out: reviewTask(VILLAGE.out) };
  const merges = { in: merge(VILLAGE.in), out: merge(VILLAGE.out) };
  await publish(stack, families.in, families.out);
  await produce(stack, TOPICS.reviewTasks, [tasks.in, tasks.out].map((t) => ({ key: t.taskId, value: encodeEvent(TOPICS.reviewTasks, t) })));
  await produce(stack, TOPICS.personMerged, [merges.in, merges.out].map((m) => ({ key: m.mergeId, value: encodeEvent(TOPICS.personMerged, m) })));
  const own = await submit(url, [{ idempotencyKey: `world-in-${randomUUID()}`, family: family({ village: VILLAGE.in }) }], principals.cadre.key);
  const other = await submit(url, [{ idempotencyKey: `world-out-${randomUUID()}`, family: family({ village: VILLAGE.out }) }]);
  const submissions = { in: own.body.records[0].id as string, out: other.body.records[0].id as string };
  const campaign = await authFetch(`${url}/v1/campaigns/matrix`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Matrix', startsOn: '2026-01-01', endsOn: '2099-12-31' }) });
  if (campaign.status !== 200) throw new Error(`campaign: ${campaign.status}`);
  await readModels(stack, [families.in.familyId, families.out.familyId], [tasks.in.taskId, tasks.out.taskId], [merges.in.mergeId, merges.out.mergeId]);
  return { principals, families, submissions, tasks, merges };
}

/** Publishes families to the registry's change topic and their eligibility decisions, as dedup and eligibility would. */
export async function publish(stack: TestStack, ...families: FamilyState[]): Promise<void> {
  await produce(stack, TOPICS.familyChanged, families.map((f) => ({ key: f.familyId, value: encodeEvent(TOPICS.familyChanged, familyChanged(null, f)) })));
  await produce(stack, TOPICS.eligibilityFamilyDecisions, families.map((f) => ({ key: f.familyId, value: encodeEvent(TOPICS.eligibilityFamilyDecisions, decisions(f)) })));
}

/** Waits until the gateway's read models hold these families (registry and eligibility), tasks and merges. */
export async function readModels(stack: TestStack, familyIds: string[], taskIds: string[] = [], mergeIds: string[] = []): Promise<void> {
  await eventually(async () => {
    const [r] = (await stack.db.query(
      `select (select count(*) from gateway.registry_families where family_id = any($1::uuid[]))::int as f,
              (select count(*) from gateway.eligibility_families where family_id = any($1::uuid[]))::int as e,
              (select count(*) from gateway.review_tasks where task_id = any($2::uuid[]))::int as t,
              (select count(*) from gateway.merges where merge_id = any($3::uuid[]))::int as m`,
      [familyIds, taskIds, mergeIds],
    )).rows;
    return r.f === familyIds.length && r.e === familyIds.length && r.t === taskIds.length && r.m === mergeIds.length;
  }, 60_000, 200);
}
