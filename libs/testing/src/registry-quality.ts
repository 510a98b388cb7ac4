import type { FamilyState } from '@satupintu/contracts';
import { openJson, PROTECTED, type Protector } from '@satupintu/protection';
import type { EvaluationRecord } from '@satupintu/synthetic';
import type { Client } from 'pg';
import { eventually } from './eventually';
import { submit } from './fixtures';

export interface RegistryQuality {
  records: number;
  memberRecords: number;
  persons: number;
  registryPersons: number;
  truePairs: number;
  predictedPairs: number;
  precision: number;
  recall: number;
  f1: number;
  rejected: number;
}

/**
 * Posts an evaluation stream (libs/synthetic/evaluation) through the gateway phase by phase (first
 * registrations; the same KKs again; new KKs), each phase after the last is registered, and returns
 * the gateway's record id of every submission.
 */
export async function postEvaluation(gatewayUrl: string, db: Client, records: ReadonlyArray<EvaluationRecord>, chunk = 100, timeoutMs = 600_000): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const phase of [0, 1, 2] as const) {
    const batch = records.filter((r) => r.phase === phase);
    const posted: string[] = [];
    for (let i = 0; i < batch.length; i += chunk) {
      const part = batch.slice(i, i + chunk);
      const res = await submit(gatewayUrl, part.map((r) => ({ idempotencyKey: r.idempotencyKey, family: r.family })));
      if (res.status !== 202) throw new Error(`gateway answered ${res.status}`);
      res.body.records.forEach((o, k) => {
        if (o.id) {
          ids.set(part[k].idempotencyKey, o.id);
          posted.push(o.id);
        }
      });
    }
    // Every posted record is registered or rejected (the gateway's status of each record).
    await eventually(async () => {
      const { rows } = await db.query(`select count(*) as n from gateway.submission_records where id = any($1::uuid[]) and status in ('registered', 'rejected')`, [posted]);
      return Number(rows[0].n) >= posted.length;
    }, timeoutMs, 1000);
  }
  return ids;
}

/**
 * Pairwise quality of the registry against the truth, from the registry's own tables: each
 * record's member i is `after.members[i]` (opened with the registry's keys) of the family-history row its submission wrote, followed
 * through merges (`merged_into`) to the person it is now. Two member-records are predicted one
 * person when they end at the same person, and are one when the generator says so.
 */
export async function registryQuality(db: Client, protector: Protector, records: ReadonlyArray<EvaluationRecord>, ids: ReadonlyMap<string, string>): Promise<RegistryQuality> {
  const { rows: written } = await db.query<{ record_id: string; after: string }>(
    `select cause->>'recordId' as record_id, after from registry.family_history where cause->>'type' = 'submission' and cause->>'recordId' = any($1)`,
    [[...ids.values()]],
  );
  // The history holds each state protected (docs/security.md "Encryption at rest").
  const history = await Promise.all(
    written.map(async (h) => ({ record_id: h.record_id, members: (await openJson<FamilyState>(protector, h.after, PROTECTED.registry.historyAfter)).members.map((m) => m.personId) })),
  );
  const { rows: merged } = await db.query<{ id: string; merged_into: string | null }>('select id, merged_into from registry.persons');
  const into = new Map(merged.map((p) => [p.id, p.merged_into]));
  const active = (id: string) => {
    let x = id;
    for (let n = 0; n < 50 && into.get(x); n++) x = into.get(x)!;
    return x;
  };
  const membersOf = new Map(history.map((h) => [h.record_id, h.members]));
  const assigned: Array<{ entity: string; person: string }> = [];
  let rejected = 0;
  for (const r of records) {
    const members = membersOf.get(ids.get(r.idempotencyKey) ?? '');
    if (!members) {
      rejected += 1;
      continue;
    }
    r.entities.forEach((entity, i) => assigned.push({ entity, person: active(members[i]) }));
  }
  const pairs = (key: (a: { entity: string; person: string }) => string) => {
    const counts = new Map<string, number>();
    for (const a of assigned) counts.set(key(a), (counts.get(key(a)) ?? 0) + 1);
    let n = 0;
    for (const c of counts.values()) n += (c * (c - 1)) / 2;
    return n;
  };
  const truePairs = pairs((a) => a.entity);
  const predicted = pairs((a) => a.person);
  const correct = pairs((a) => `${a.entity}|${a.person}`);
  const precision = predicted ? correct / predicted : 1;
  const recall = truePairs ? correct / truePairs : 1;
  const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
  return {
    records: records.length,
    memberRecords: assigned.length,
    persons: new Set(assigned.map((a) => a.entity)).size,
    registryPersons: new Set(assigned.map((a) => a.person)).size,
    truePairs,
    predictedPairs: predicted,
    precision: r4(precision),
    recall: r4(recall),
    f1: r4(precision + recall ? (2 * precision * recall) / (precision + recall) : 0),
    rejected,
  };
}
