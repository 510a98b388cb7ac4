import { TOPICS, type FamilyChangedV1, type MergeDecider, type PairScore, type PersonMergedV1, type ReviewTaskV1 } from '@satupintu/contracts';
import type { OutboxRow } from '@satupintu/persistence';
import { outboxEvent } from '@satupintu/platform';
import { randomUUID } from 'node:crypto';
import type { FamilyChange } from './apply-submissions';
import type { MergeOutcome } from './merges';
import type { RegistryRepository } from './registry.repository';

/** Outbox rows of family changes (key: family id). */
export function familyChangedRows(changes: ReadonlyArray<FamilyChange>, now: string, correlationId?: string): OutboxRow[] {
  return changes.map((c) => {
    const event: FamilyChangedV1 = { eventId: randomUUID(), occurredAt: now, familyId: c.familyId, version: c.version, cause: c.cause, before: c.before, after: c.after, diff: c.diff };
    return outboxEvent(TOPICS.familyChanged, c.familyId, event, c.correlationId ?? correlationId);
  });
}

/** The person-merged event of a merge, with the survivor's golden record as it now is. */
export async function mergedRow(repo: RegistryRepository, outcome: MergeOutcome, decidedBy: MergeDecider, match: PairScore | null, now: string, correlationId?: string): Promise<OutboxRow> {
  const survivor = (await repo.snapshots([outcome.survivorId])).get(outcome.survivorId)!;
  const event: PersonMergedV1 = { eventId: randomUUID(), occurredAt: now, mergeId: outcome.mergeId, survivorId: outcome.survivorId, mergedId: outcome.mergedId, decidedBy, match, survivor };
  return outboxEvent(TOPICS.personMerged, outcome.survivorId, event, correlationId);
}

/** A review task's state for the read model, and when just opened, the duplicate-suspected event. */
export function taskRows(task: ReviewTaskV1, opened: boolean, correlationId?: string): OutboxRow[] {
  const rows = [outboxEvent(TOPICS.reviewTasks, task.taskId, task, correlationId)];
  if (opened) rows.push(outboxEvent(TOPICS.duplicateSuspected, task.taskId, { ...task, eventId: randomUUID() }, correlationId));
  return rows;
}
