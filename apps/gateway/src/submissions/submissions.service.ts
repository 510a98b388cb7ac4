import { Inject, Injectable } from '@nestjs/common';
import {
  SubmissionBatch,
  SubmissionRecordEnvelope,
  TOPICS,
  type FamilySubmittedV1,
  type Provenance,
  type ValidationIssue,
} from '@satupintu/contracts';
import { currentCorrelationId } from '@satupintu/observability';
import { enqueueOutbox, type OutboxRow } from '@satupintu/persistence';
import { levelOf, nestsDeeperThan, todayIn } from '@satupintu/domain';
import { ApiError, DATA_SOURCE, outboxEvent } from '@satupintu/platform';
import { createHash, randomUUID } from 'node:crypto';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import stringify from 'safe-stable-stringify';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { SCOPE_SQL, type Caller } from '../auth/caller';

export type RecordOutcome =
  | { index: number; idempotencyKey: string; id: string; revision: number; status: 'accepted' | 'unchanged' }
  | { index: number; idempotencyKey?: string; status: 'invalid'; errors: Array<{ path: string; code: string; message: string }> };

interface Candidate {
  index: number;
  key: string;
  family: Record<string, unknown>;
  hash: string;
  village: string | null;
  collectedOn?: string;
}

/** How far back a record's collection day may lie. */
const COLLECTED_WITHIN_DAYS = 366;

const SCHEMA = 'gateway';
/** A family record is at most address/members -> member -> field deep; more is not a family. */
const MAX_FAMILY_DEPTH = 6;

/**
 * Intake of submission batches. Each record is accepted or refused on its own: a malformed record
 * never sinks the batch. A record is identified by the client's idempotency key: the same key with
 * the same content is a no-op (offline apps resend); with new content it becomes a new revision.
 */
@Injectable()
export class SubmissionsService {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  /**
   * Records are scoped to their submitter (idempotency keys are the principal's) and to its regions:
   * a record for a village outside them is refused on its own (OUT_OF_SCOPE), the others go on.
   */
  async submit(body: unknown, caller: Caller, provenance?: ReadonlyMap<string, Provenance>, dryRun = false): Promise<RecordOutcome[]> {
    const clientId = caller.principal.id;
    const batch = SubmissionBatch.safeParse(body);
    if (!batch.success) {
      throw new ApiError(400, 'INVALID_BATCH', 'the body must be { records: [...] } with 1 to 500 records', issuesOf(batch.error.issues));
    }
    const outcomes: RecordOutcome[] = [];
    const candidates: Candidate[] = [];
    const firstIndexOfKey = new Map<string, number>();
    batch.data.records.forEach((raw, index) => {
      const parsed = SubmissionRecordEnvelope.safeParse(raw);
      if (!parsed.success) {
        const key = typeof (raw as { idempotencyKey?: unknown })?.idempotencyKey === 'string' ? String((raw as { idempotencyKey: string }).idempotencyKey).slice(0, 128) : undefined;
        outcomes.push({ index, idempotencyKey: key, status: 'invalid', errors: issuesOf(parsed.error.issues) });
        return;
      }
      if (nestsDeeperThan(parsed.data.family, MAX_FAMILY_DEPTH)) {
        outcomes.push({
          index,
          idempotencyKey: parsed.data.idempotencyKey,
          status: 'invalid',
          errors: [{ path: 'family', code: 'TOO_DEEP', message: `nested deeper than ${MAX_FAMILY_DEPTH} levels` }],
        });
        return;
      }
      if (firstIndexOfKey.has(parsed.data.idempotencyKey)) {
        outcomes.push({
          index,
          idempotencyKey: parsed.data.idempotencyKey,
          status: 'invalid',
          errors: [{ path: 'idempotencyKey', code: 'DUPLICATE_KEY_IN_BATCH', message: `same key as record ${firstIndexOfKey.get(parsed.data.idempotencyKey)}` }],
        });
        return;
      }
      const village = villageOf(parsed.data.family);
      if (village === null ? caller.scopeRegions() !== null : !caller.covers(village)) {
        outcomes.push({
          index,
          idempotencyKey: parsed.data.idempotencyKey,
          status: 'invalid',
          errors: [{ path: 'family.address.villageCode', code: 'OUT_OF_SCOPE', message: 'this village is not among the regions you are assigned' }],
        });
        return;
      }
      const collectedOn = parsed.data.collectedOn;
      if (collectedOn !== undefined) {
        const today = todayIn('Asia/Jakarta');
        const earliest = new Date(Date.parse(today) - COLLECTED_WITHIN_DAYS * 86_400_000).toISOString().slice(0, 10);
        if (collectedOn > today || collectedOn < earliest) {
          outcomes.push({
            index,
            idempotencyKey: parsed.data.idempotencyKey,
            status: 'invalid',
            errors: [{ path: 'collectedOn', code: 'INVALID_COLLECTED_ON', message: `the collection day must lie between ${earliest} and today (${today})` }],
          });
          return;
        }
      }
      firstIndexOfKey.set(parsed.data.idempotencyKey, index);
      const hash = createHash('sha256').update(stringify(parsed.data.family) ?? '').digest('hex');
      candidates.push({ index, key: parsed.data.idempotencyKey, family: parsed.data.family, hash, village, ...(collectedOn ? { collectedOn } : {}) });
    });
    if (candidates.length > 0) outcomes.push(...(await this.store(candidates, clientId, provenance, dryRun)));
    caller.touched(outcomes.flatMap((o) => (o.status === 'accepted' ? [o.id] : [])));
    caller.detail = { records: outcomes.length, accepted: outcomes.filter((o) => o.status === 'accepted').length };
    return outcomes.sort((a, b) => a.index - b.index);
  }

  private async store(candidates: Candidate[], clientId: string, provenance: ReadonlyMap<string, Provenance> | undefined, dryRun: boolean): Promise<RecordOutcome[]> {
    return this.db.transaction(async (m) => {
      const existing: Array<{ id: string; idempotency_key: string; revision: number; payload_hash: string }> = await m.query(
        `select id, idempotency_key, revision, payload_hash from ${SCHEMA}.submission_records
          where client_id = $1 and idempotency_key = any($2::text[]) for update`,
        [clientId, candidates.map((c) => c.key)],
      );
      const byKey = new Map(existing.map((e) => [e.idempotency_key, e]));
      const now = new Date().toISOString();
      const outcomes: RecordOutcome[] = [];
      const writes: Array<{ id: string; key: string; revision: number; hash: string; kafkaKey: string; family: Record<string, unknown>; village: string | null; collectedOn?: string }> = [];
      for (const c of candidates) {
        const prior = byKey.get(c.key);
        if (prior && prior.payload_hash === c.hash) {
          outcomes.push({ index: c.index, idempotencyKey: c.key, id: prior.id, revision: prior.revision, status: 'unchanged' });
          continue;
        }
        const id = prior?.id ?? randomUUID();
        const revision = (prior?.revision ?? 0) + 1;
        const kk = c.family['kk'];
        writes.push({ id, key: c.key, revision, hash: c.hash, kafkaKey: typeof kk === 'string' && kk.length <= 32 ? kk : id, family: c.family, village: c.village, collectedOn: c.collectedOn });
        outcomes.push({ index: c.index, idempotencyKey: c.key, id, revision, status: 'accepted' });
      }
      if (writes.length === 0) return outcomes;

      await m.query(
        `insert into ${SCHEMA}.submission_records (id, client_id, idempotency_key, revision, payload_hash, status, received_at, updated_at, submitted_by, village_code)
         select t.id, $1::text, t.key, t.revision, t.hash, 'received', $2, $2, $8::uuid, t.village
           from unnest($3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[]) as t(id, key, revision, hash, village)
         on conflict (client_id, idempotency_key) do update
           set revision = excluded.revision, payload_hash = excluded.payload_hash, status = 'received',
               family_id = null, updated_at = excluded.updated_at, village_code = excluded.village_code`,
        [clientId, now, writes.map((w) => w.id), writes.map((w) => w.key), writes.map((w) => w.revision), writes.map((w) => w.hash), writes.map((w) => w.village), clientId],
      );
      const eventIds = writes.map(() => randomUUID());
      await m.query(
        `insert into ${SCHEMA}.submission_events (event_id, record_id, revision, status, at)
         select t.event_id, t.record_id, t.revision, 'received', $1 from unnest($2::uuid[], $3::uuid[], $4::int[]) as t(event_id, record_id, revision)`,
        [now, eventIds, writes.map((w) => w.id), writes.map((w) => w.revision)],
      );
      const correlationId = currentCorrelationId() ?? randomUUID();
      const rows: OutboxRow[] = writes.map((w, i) => {
        const event: FamilySubmittedV1 = {
          eventId: eventIds[i],
          occurredAt: now,
          recordId: w.id,
          revision: w.revision,
          idempotencyKey: w.key,
          clientId,
          receivedAt: now,
          family: w.family,
          ...(provenance?.has(w.key) ? { provenance: provenance.get(w.key) } : {}),
          ...(w.collectedOn ? { collectedOn: w.collectedOn } : {}),
          ...(dryRun ? { dryRun: true as const } : {}),
        };
        return outboxEvent(TOPICS.familySubmitted, w.kafkaKey, event, correlationId);
      });
      await enqueueOutbox(m, SCHEMA, rows);
      return outcomes;
    });
  }

  /** A cadre sees its own records; others those of villages in their regions; anything else is 404. */
  /** The scope a list or summary covers: a region inside the caller's (checked), or all of the caller's. */
  private scopeOf(region: unknown, caller: Caller): { code: string; regions: string[] | null } {
    if (region !== undefined && (typeof region !== 'string' || levelOf(region) === null)) throw new ApiError(400, 'INVALID_QUERY', 'region must be a region code (ID, 31, 31.71, 31.71.01 or 31.71.01.1001)');
    if (region !== undefined) caller.assertRegion(region);
    return region === undefined || region === 'ID' ? { code: (region as string | undefined) ?? 'mine', regions: caller.scopeRegions() } : { code: region, regions: [region] };
  }

  async list(query: Record<string, unknown>, caller: Caller) {
    const q = ListQuery.safeParse(query);
    if (!q.success) throw new ApiError(400, 'INVALID_QUERY', 'status, rule, after, limit or format is not valid', issuesOf(q.error.issues));
    const scope = this.scopeOf(q.data.region, caller);
    const csv = q.data.format === 'csv';
    const limit = q.data.limit ?? (csv ? 5000 : 100);
    const after = q.data.after ? decodeCursor(q.data.after) : null;
    const rows: Array<{ id: string; idempotency_key: string; revision: number; status: string; village_code: string | null; received_at: Date; updated_at: Date; family_id: string | null; rejection: { errors?: ValidationIssue[]; ruleSetVersion?: string } | null }> = await this.db.query(
      `select sr.id, sr.idempotency_key, sr.revision, sr.status, sr.village_code, sr.received_at, sr.updated_at, sr.family_id,
              (select e.detail from ${SCHEMA}.submission_events e where e.record_id = sr.id and e.revision = sr.revision and e.status = 'rejected' order by e.at desc limit 1) as rejection
         from ${SCHEMA}.submission_records sr
        where ${SCOPE_SQL('sr.village_code', '$1')}
          and ($2::text is null or sr.status = $2)
          and ($3::text is null or exists (select 1 from ${SCHEMA}.submission_events e, jsonb_array_elements(e.detail->'errors') x
                                             where e.record_id = sr.id and e.revision = sr.revision and e.status = 'rejected' and x->>'code' = $3))
          and ($4::uuid is null or sr.submitted_by = $4)
          and ($5::timestamptz is null or (sr.updated_at, sr.id) < ($5, $6::uuid))
        order by sr.updated_at desc, sr.id desc limit ${limit}`,
      [scope.regions, q.data.status ?? null, q.data.rule ?? null, caller.principal.role === 'cadre' ? caller.principal.id : null, after?.at ?? null, after?.id ?? null],
    );
    caller.touched(rows.map((r) => r.id));
    caller.detail = { region: scope.code, status: q.data.status ?? null, rule: q.data.rule ?? null, found: rows.length };
    const last = rows[rows.length - 1];
    return {
      region: scope.code,
      status: q.data.status ?? null,
      records: rows.map((r) => ({
        id: r.id, idempotencyKey: r.idempotency_key, revision: r.revision, status: r.status, villageCode: r.village_code, familyId: r.family_id,
        receivedAt: r.received_at.toISOString(), updatedAt: r.updated_at.toISOString(),
        ...(r.status === 'rejected' && r.rejection ? { errors: (r.rejection.errors ?? []).map((e) => ({ code: e.code, path: e.path, message: e.message })) } : {}),
      })),
      next: rows.length === limit && last ? encodeCursor(last.updated_at, last.id) : null,
    };
  }

  /** One CSV line per rule a rejected record failed (one line for any other record). */
  listCsv(answer: Awaited<ReturnType<SubmissionsService['list']>>): string {
    const lines: unknown[][] = [['record_id', 'idempotency_key', 'village_code', 'status', 'received_at', 'rule_code', 'path', 'message_id', 'message_en']];
    for (const r of answer.records) {
      const errors = 'errors' in r && r.errors ? r.errors : [];
      if (errors.length === 0) lines.push([r.id, r.idempotencyKey, r.villageCode ?? '', r.status, r.receivedAt, '', '', '', '']);
      for (const e of errors) lines.push([r.id, r.idempotencyKey, r.villageCode ?? '', r.status, r.receivedAt, e.code, e.path, e.message.id, e.message.en]);
    }
    return stringifyCsv(lines as string[][]);
  }

  async summary(region: unknown, caller: Caller) {
    const scope = this.scopeOf(region, caller);
    const own = caller.principal.role === 'cadre' ? caller.principal.id : null;
    const byStatus: Array<{ status: string; n: string }> = await this.db.query(
      `select status, count(*) as n from ${SCHEMA}.submission_records sr where ${SCOPE_SQL('sr.village_code', '$1')} and ($2::uuid is null or sr.submitted_by = $2) group by status order by status`,
      [scope.regions, own],
    );
    const byRule: Array<{ code: string; n: string }> = await this.db.query(
      `select x->>'code' as code, count(distinct sr.id) as n
         from ${SCHEMA}.submission_records sr
         join ${SCHEMA}.submission_events e on e.record_id = sr.id and e.revision = sr.revision and e.status = 'rejected'
         cross join lateral jsonb_array_elements(e.detail->'errors') x
        where sr.status = 'rejected' and ${SCOPE_SQL('sr.village_code', '$1')} and ($2::uuid is null or sr.submitted_by = $2)
        group by 1 order by 2 desc, 1 limit 100`,
      [scope.regions, own],
    );
    return {
      region: scope.code,
      byStatus: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])),
      rejectedByRule: byRule.map((r) => ({ code: r.code, records: Number(r.n) })),
    };
  }

  async status(id: string, caller: Caller) {
    const [record]: Array<Record<string, unknown> & { submitted_by: string | null; village_code: string | null }> = await this.db.query(
      `select id, idempotency_key, revision, status, family_id, received_at, updated_at, submitted_by, village_code from ${SCHEMA}.submission_records where id = $1`,
      [id],
    );
    const notFound = new ApiError(404, 'SUBMISSION_NOT_FOUND', 'no submission record has this id');
    if (!record) throw notFound;
    if (caller.principal.role === 'cadre' && record.submitted_by !== caller.principal.id) throw notFound;
    if (caller.scopeRegions() !== null) caller.assertVisible(record.village_code, notFound);
    caller.touched([id], record.village_code);
    const trail: Array<{ status: string; revision: number; at: Date; detail: Record<string, unknown> }> = await this.db.query(
      `select status, revision, at, detail from ${SCHEMA}.submission_events where record_id = $1 order by at, revision`,
      [id],
    );
    return {
      id: record.id,
      idempotencyKey: record.idempotency_key,
      revision: record.revision,
      status: record.status,
      familyId: record.family_id,
      receivedAt: record.received_at,
      updatedAt: record.updated_at,
      trail: trail.map((t) => ({ status: t.status, revision: t.revision, at: t.at, ...t.detail })),
    };
  }
}

const ListQuery = z.object({
  region: z.string().max(20).optional(),
  status: z.enum(['received', 'validated', 'rejected', 'registered']).optional(),
  rule: z.string().regex(/^[A-Z0-9_.-]{1,64}$/i).optional(),
  after: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
  format: z.enum(['json', 'csv']).optional(),
});

const encodeCursor = (at: Date, id: string) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/i.test(id ?? '')) throw new ApiError(400, 'INVALID_QUERY', 'after must be the `next` of a previous page');
  return { at, id };
}

function villageOf(family: Record<string, unknown>): string | null {
  const address = family['address'];
  const v = address && typeof address === 'object' ? (address as Record<string, unknown>)['villageCode'] : undefined;
  return typeof v === 'string' && v.length <= 20 ? v : null;
}

function issuesOf(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; code: string; message: string }>) {
  return issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.') || '(root)', code: i.code, message: i.message }));
}
