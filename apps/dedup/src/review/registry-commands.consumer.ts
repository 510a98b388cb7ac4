import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type MergeDecider, type PersonUnmergedV1, type RegistryCommandV1, type ReviewTaskV1 } from '@satupintu/contracts';
import type { ConsumedEvent } from '@satupintu/kafka';
import type { Logger } from '@satupintu/observability';
import { claimInbox, enqueueOutbox, type OutboxRow } from '@satupintu/persistence';
import { DATA_SOURCE, LOGGER, outboxEvent } from '@satupintu/platform';
import { PROTECTOR, type Protector } from '@satupintu/protection';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { PersonIndex } from '../matching/person-index';
import { IndexUpdates } from '../registry/index-updates';
import { mergePersons, unmergePersons } from '../registry/merges';
import { familyChangedRows, mergedRow, taskRows } from '../registry/registry-events';
import { RegistryRepository } from '../registry/registry.repository';

type ReviewDecision = Extract<RegistryCommandV1, { type: 'review-decision' }>;
type Unmerge = Extract<RegistryCommandV1, { type: 'unmerge' }>;

/**
 * Carries out reviewers' commands from the gateway: a decision on a review task (same: the two are
 * merged, the older record surviving; different: the task closes) and unmerges. Each command runs
 * once (inbox); a command that no longer applies (task closed, merge already undone) changes
 * nothing and is logged with its reason.
 */
@Controller()
export class RegistryCommandsConsumer {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(PersonIndex) private readonly index: PersonIndex,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROTECTOR) private readonly protector: Protector,
  ) {}

  @EventPattern(TOPICS.registryCommands)
  async onCommands(@Payload() batch: ConsumedEvent<RegistryCommandV1>[]) {
    for (const { value, topic, correlationId } of batch) {
      const updates = new IndexUpdates();
      await this.db.transaction(async (m) => {
        const claimed = await claimInbox(m, 'registry', [{ eventId: value.eventId, topic }]);
        if (claimed.size === 0) return;
        const rows = value.type === 'review-decision' ? await this.decide(m, value, updates, correlationId) : await this.unmerge(m, value, updates, correlationId);
        await enqueueOutbox(m, 'registry', rows);
      });
      await updates.applyAfterCommit(this.index, this.logger);
    }
  }

  private async decide(m: EntityManager, c: ReviewDecision, updates: IndexUpdates, correlationId?: string): Promise<OutboxRow[]> {
    const now = new Date().toISOString();
    const repo = new RegistryRepository(m, this.protector, now);
    const task = await repo.lockReviewTask(c.taskId);
    if (!task || task.status !== 'open') {
      this.logger.info({ taskId: c.taskId, status: task?.status ?? null }, 'review decision ignored: the task is not open');
      return [];
    }
    const rows: OutboxRow[] = [];
    let mergeId: string | null = null;
    if (c.decision === 'same') {
      // Merge the persons the two records now resolve to; the older one survives (stable ids).
      const active = await repo.activeOf([task.personA, task.personB]);
      const [a, b] = [active.get(task.personA)!, active.get(task.personB)!];
      if (a !== b) {
        const persons = await repo.lockPersons([a, b]);
        const [survivorId, mergedId] = persons.get(a)!.createdAt <= persons.get(b)!.createdAt ? [a, b] : [b, a];
        const decidedBy: MergeDecider = { type: 'review', taskId: task.id, reviewer: c.reviewer };
        const outcome = await mergePersons(repo, { survivorId, mergedId, decidedBy, match: task.match });
        if (outcome) {
          mergeId = outcome.mergeId;
          rows.push(...familyChangedRows(outcome.write.changes, now, correlationId), await mergedRow(repo, outcome, decidedBy, task.match, now, correlationId));
          updates.add(outcome.write, [outcome.mergedId]);
        }
      }
    }
    const decision = { reviewer: c.reviewer, decidedAt: now, note: c.note, mergeId };
    const revision = await repo.closeReviewTask(task.id, c.decision, decision);
    const people = await repo.snapshots([task.personA, task.personB]);
    const state: ReviewTaskV1 = {
      eventId: randomUUID(),
      occurredAt: now,
      taskId: task.id,
      revision,
      status: c.decision,
      reason: task.reason,
      villageCode: task.villageCode,
      openedAt: task.openedAt.toISOString(),
      a: people.get(task.personA)!,
      b: people.get(task.personB)!,
      match: task.match,
      decision,
    };
    rows.push(...taskRows(state, false, correlationId));
    return rows;
  }

  private async unmerge(m: EntityManager, c: Unmerge, updates: IndexUpdates, correlationId?: string): Promise<OutboxRow[]> {
    const now = new Date().toISOString();
    const repo = new RegistryRepository(m, this.protector, now);
    const result = await unmergePersons(repo, { mergeId: c.mergeId, reviewer: c.reviewer, reason: c.reason });
    if ('refused' in result) {
      this.logger.info({ mergeId: c.mergeId, reason: result.refused }, 'unmerge ignored');
      return [];
    }
    const { outcome } = result;
    updates.add(outcome.write);
    const people = await repo.snapshots([outcome.survivorId, outcome.mergedId]);
    const event: PersonUnmergedV1 = {
      eventId: randomUUID(),
      occurredAt: now,
      mergeId: outcome.mergeId,
      survivorId: outcome.survivorId,
      mergedId: outcome.mergedId,
      reviewer: c.reviewer,
      reason: c.reason,
      survivor: people.get(outcome.survivorId)!,
      restored: people.get(outcome.mergedId)!,
    };
    return [...familyChangedRows(outcome.write.changes, now, correlationId), outboxEvent(TOPICS.personUnmerged, outcome.survivorId, event, correlationId)];
  }
}
