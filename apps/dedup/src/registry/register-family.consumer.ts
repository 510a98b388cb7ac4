import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  TOPICS,
  type FamilyChangedV1,
  type FamilyValidatedV1,
  type SubmissionRegisteredV1,
} from '@satupintu/contracts';
import type { ConsumedEvent } from '@satupintu/kafka';
import { claimInbox, enqueueOutbox, type OutboxRow } from '@satupintu/persistence';
import { DATA_SOURCE, outboxEvent } from '@satupintu/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { applySubmissions, type ValidatedSubmission } from './apply-submissions';
import { RegistryRepository } from './registry.repository';

/**
 * Turns validated families into registry changes. One transaction per batch: inbox claim, locked
 * snapshot, in-memory application, set-based writes, outbox rows for the change events.
 */
@Controller()
export class RegisterFamilyConsumer {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  @EventPattern(TOPICS.familyValidated)
  async onValidated(@Payload() batch: ConsumedEvent<FamilyValidatedV1>[]) {
    await this.db.transaction(async (m) => {
      const claimed = await claimInbox(m, 'registry', batch.map((e) => ({ eventId: e.value.eventId, topic: e.topic })));
      const submissions: ValidatedSubmission[] = [];
      for (const { value, correlationId } of batch) {
        if (!claimed.delete(value.eventId)) continue; // seen before, or twice in this batch
        submissions.push({ eventId: value.eventId, recordId: value.recordId, revision: value.revision, family: value.family, correlationId });
      }
      if (submissions.length === 0) return;

      const repo = new RegistryRepository(m);
      const snapshot = await repo.loadSnapshot(
        [...new Set(submissions.map((s) => s.family.kk))],
        [...new Set(submissions.flatMap((s) => s.family.members.map((x) => x.nik)))],
      );
      const applied = applySubmissions(snapshot, submissions, randomUUID);
      await repo.save(applied);

      const now = new Date().toISOString();
      const rows: OutboxRow[] = [];
      for (const c of applied.changes) {
        const event: FamilyChangedV1 = {
          eventId: randomUUID(),
          occurredAt: now,
          familyId: c.familyId,
          version: c.version,
          cause: c.cause,
          before: c.before,
          after: c.after,
          diff: c.diff,
        };
        rows.push(outboxEvent(TOPICS.familyChanged, c.familyId, event, c.correlationId));
      }
      for (const r of applied.registrations) {
        const event: SubmissionRegisteredV1 = {
          eventId: randomUUID(),
          occurredAt: now,
          recordId: r.recordId,
          revision: r.revision,
          familyId: r.familyId,
          familyVersion: r.familyVersion,
          changed: r.changed,
        };
        rows.push(outboxEvent(TOPICS.submissionRegistered, r.familyId, event, r.correlationId));
      }
      await enqueueOutbox(m, 'registry', rows);
    });
  }
}
