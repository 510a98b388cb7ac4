import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, type PersonMergedV1, type PersonSnapshot, type RegistryCommandV1, type ReviewTaskV1 } from '@satupintu/contracts';
import { enqueueOutbox } from '@satupintu/persistence';
import { parseNik } from '@satupintu/domain';
import { ApiError, DATA_SOURCE, outboxEvent } from '@satupintu/platform';
import { openIdentifiers, PROTECTED, PROTECTOR, type Protector } from '@satupintu/protection';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { parseBody } from '../http/params';
import { SCOPE_SQL, type Caller } from '../auth/caller';

const PAGE = 100;

/** The reviewer is the authenticated caller; a `reviewer` in the body (from before authentication) is ignored. */
export const DecisionBody = z.strictObject({
  decision: z.enum(['same', 'different']),
  reviewer: z.string().trim().min(1).max(100).optional(),
  note: z.string().max(1000).optional(),
});
export const UnmergeBody = z.strictObject({
  reviewer: z.string().trim().min(1).max(100).optional(),
  reason: z.string().trim().min(1).max(1000),
});
const TASK_NOT_FOUND = () => new ApiError(404, 'TASK_NOT_FOUND', 'no review task has this id');
const MERGE_NOT_FOUND = () => new ApiError(404, 'MERGE_NOT_FOUND', 'no merge has this id');

const FIELDS = ['nik', 'name', 'sex', 'birthDate', 'kk', 'villageCode', 'relationship'] as const;

/** The two records of a task field by field, as a reviewer compares them. */
function sideBySide(a: PersonSnapshot, b: PersonSnapshot) {
  return FIELDS.map((field) => ({ field, a: a[field], b: b[field], same: a[field] === b[field] }));
}

/**
 * What a person's NIK says of them (district of first registration, birth day, month and two-digit
 * year, sex) and whether it agrees with the record: a reviewer's quickest check of a mistyped NIK.
 */
export function nikFacts(p: Pick<PersonSnapshot, 'nik' | 'sex' | 'birthDate'>) {
  const parts = p.nik ? parseNik(p.nik) : null;
  if (!parts) return null;
  const birth = `${String(parts.day).padStart(2, '0')}-${String(parts.month).padStart(2, '0')}-${String(parts.yy).padStart(2, '0')}`;
  const [y, m, d] = p.birthDate.split('-');
  return { districtCode: parts.districtCode, birth, sex: parts.sex, serial: parts.serial, agreesWithBirthDate: `${d}-${m}-${y.slice(2)}` === birth, agreesWithSex: parts.sex === p.sex };
}

/**
 * Duplicate review through the gateway: open tasks by region, one task side by side with its score
 * by comparison, and reviewers' decisions and unmerges, which go to the dedup service as commands
 * (Kafka, through the outbox) and are answered 202.
 */
@Injectable()
export class ReviewService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(PROTECTOR) private readonly protector: Protector,
  ) {}

  /** Tasks in the given regions (null: everywhere), oldest first, of one reason or all. */
  async list(regions: string[] | null, status: string, after: string | null, reason: string | null = null) {
    const rows: Array<{ task: ReviewTaskV1 }> = await this.db.query(
      `select task from gateway.review_tasks
        where status = $1 and ${SCOPE_SQL('village_code', '$2')}
          and ($3::timestamptz is null or opened_at > $3)
          and ($4::text is null or task->>'reason' = $4)
        order by opened_at, task_id limit ${PAGE}`,
      [status, regions, after, reason],
    );
    return {
      tasks: rows.map(({ task: t }) => ({
        taskId: t.taskId, status: t.status, reason: t.reason, villageCode: t.villageCode, openedAt: t.openedAt, score: t.match.score, probability: t.match.probability,
        ...(t.decision ? { decision: { reviewer: t.decision.reviewer, decidedAt: t.decision.decidedAt, mergeId: t.decision.mergeId } } : {}),
      })),
      next: rows.length === PAGE ? rows[rows.length - 1].task.openedAt : null,
    };
  }

  /** The review desk's counts in the given regions: open tasks, tasks decided today (Asia/Jakarta), and by whom. */
  async summary(regions: string[] | null) {
    const [open]: Array<{ n: string; oldest: Date | null }> = await this.db.query(
      `select count(*) as n, min(opened_at) as oldest from gateway.review_tasks where status = 'open' and ${SCOPE_SQL('village_code', '$1')}`,
      [regions],
    );
    const decided: Array<{ reviewer: string; status: string; n: string }> = await this.db.query(
      `select task->'decision'->>'reviewer' as reviewer, status, count(*) as n from gateway.review_tasks
        where status in ('same', 'different') and ${SCOPE_SQL('village_code', '$1')}
          and (task->'decision'->>'decidedAt')::timestamptz >= date_trunc('day', now() at time zone 'Asia/Jakarta') at time zone 'Asia/Jakarta'
        group by 1, 2 order by 1, 2`,
      [regions],
    );
    const byReviewer = new Map<string, { reviewer: string; same: number; different: number }>();
    for (const d of decided) {
      const r = byReviewer.get(d.reviewer) ?? { reviewer: d.reviewer, same: 0, different: 0 };
      r[d.status as 'same' | 'different'] = Number(d.n);
      byReviewer.set(d.reviewer, r);
    }
    return {
      open: Number(open.n),
      oldestOpenedAt: open.oldest?.toISOString() ?? null,
      decidedToday: decided.reduce((s, d) => s + Number(d.n), 0),
      byReviewer: [...byReviewer.values()],
    };
  }

  async get(taskId: string, caller: Caller) {
    const rows: Array<{ task: ReviewTaskV1; identity: string | null; decision_requested_at: Date | null }> = await this.db.query(
      'select task, identity, decision_requested_at from gateway.review_tasks where task_id = $1',
      [taskId],
    );
    if (rows.length === 0) throw TASK_NOT_FOUND();
    const { decision_requested_at } = rows[0];
    const t = await openIdentifiers(this.protector, rows[0].task, rows[0].identity, PROTECTED.gateway.reviewIdentity);
    caller.assertVisible(t.villageCode, TASK_NOT_FOUND());
    caller.touched([taskId, t.a.personId, t.b.personId], t.villageCode);
    return {
      taskId: t.taskId,
      status: t.status,
      reason: t.reason,
      villageCode: t.villageCode,
      openedAt: t.openedAt,
      a: t.a,
      b: t.b,
      fields: sideBySide(t.a, t.b),
      nik: { a: nikFacts(t.a), b: nikFacts(t.b) },
      match: t.match,
      decision: t.decision,
      decisionPending: t.status === 'open' && decision_requested_at !== null,
    };
  }

  async decide(taskId: string, body: unknown, caller: Caller) {
    const d = parseBody(DecisionBody, body);
    return this.db.transaction(async (m) => {
      const rows: Array<{ status: string; decision_requested_at: Date | null; village_code: string }> = await m.query('select status, decision_requested_at, village_code from gateway.review_tasks where task_id = $1 for update', [taskId]);
      if (rows.length === 0) throw TASK_NOT_FOUND();
      caller.assertVisible(rows[0].village_code, TASK_NOT_FOUND());
      caller.touched([taskId], rows[0].village_code);
      if (rows[0].status !== 'open') throw new ApiError(409, 'TASK_NOT_OPEN', `the task is already closed (${rows[0].status})`);
      if (rows[0].decision_requested_at !== null) throw new ApiError(409, 'DECISION_PENDING', 'a decision on this task is already being carried out');
      const command: RegistryCommandV1 = { eventId: randomUUID(), occurredAt: new Date().toISOString(), type: 'review-decision', taskId, decision: d.decision, reviewer: caller.principal.label, note: d.note ?? null };
      await m.query('update gateway.review_tasks set decision_requested_at = now() where task_id = $1', [taskId]);
      await enqueueOutbox(m, 'gateway', [outboxEvent(TOPICS.registryCommands, taskId, command)]);
      return { taskId, decision: d.decision, commandId: command.eventId, status: 'accepted' };
    });
  }

  async getMerge(mergeId: string, caller: Caller) {
    const rows: Array<{ merge: PersonMergedV1; identity: string | null; unmerged_at: Date | null; unmerge_requested_at: Date | null }> = await this.db.query(
      'select merge, identity, unmerged_at, unmerge_requested_at from gateway.merges where merge_id = $1',
      [mergeId],
    );
    if (rows.length === 0) throw MERGE_NOT_FOUND();
    const m = rows[0].merge;
    caller.assertVisible(m.survivor.villageCode, MERGE_NOT_FOUND());
    caller.touched([mergeId, m.survivorId, m.mergedId], m.survivor.villageCode);
    const whole = await openIdentifiers(this.protector, m, rows[0].identity, PROTECTED.gateway.mergeIdentity);
    return { ...(whole as object), unmergedAt: rows[0].unmerged_at?.toISOString() ?? null, unmergePending: rows[0].unmerged_at === null && rows[0].unmerge_requested_at !== null };
  }

  async unmerge(mergeId: string, body: unknown, caller: Caller) {
    const u = parseBody(UnmergeBody, body);
    return this.db.transaction(async (m) => {
      const rows: Array<{ unmerged_at: Date | null; unmerge_requested_at: Date | null; merge: PersonMergedV1 }> = await m.query('select unmerged_at, unmerge_requested_at, merge from gateway.merges where merge_id = $1 for update', [mergeId]);
      if (rows.length === 0) throw MERGE_NOT_FOUND();
      caller.assertVisible(rows[0].merge.survivor.villageCode, MERGE_NOT_FOUND());
      caller.touched([mergeId, rows[0].merge.survivorId, rows[0].merge.mergedId], rows[0].merge.survivor.villageCode);
      if (rows[0].unmerged_at !== null) throw new ApiError(409, 'ALREADY_UNMERGED', 'this merge was already undone');
      if (rows[0].unmerge_requested_at !== null) throw new ApiError(409, 'UNMERGE_PENDING', 'an unmerge of this merge is already being carried out');
      const command: RegistryCommandV1 = { eventId: randomUUID(), occurredAt: new Date().toISOString(), type: 'unmerge', mergeId, reviewer: caller.principal.label, reason: u.reason };
      await m.query('update gateway.merges set unmerge_requested_at = now() where merge_id = $1', [mergeId]);
      await enqueueOutbox(m, 'gateway', [outboxEvent(TOPICS.registryCommands, mergeId, command)]);
      return { mergeId, commandId: command.eventId, status: 'accepted' };
    });
  }
}
