import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  TOPICS,
  type FamilyRejectedV1,
  type FamilyValidatedV1,
  type SubmissionRegisteredV1,
} from '@satupintu/contracts';
import type { ConsumedEvent } from '@satupintu/kafka';
import { DATA_SOURCE } from '@satupintu/platform';
import type { DataSource } from 'typeorm';

interface StatusEvent {
  eventId: string;
  recordId: string;
  revision: number;
  status: 'validated' | 'rejected' | 'registered';
  at: string;
  detail: Record<string, unknown>;
  familyId: string | null;
}

/** Keeps the submission status trail current from the pipeline's events (set-based per batch). */
@Controller()
export class SubmissionStatusConsumer {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  @EventPattern(TOPICS.familyValidated)
  async onValidated(@Payload() batch: ConsumedEvent<FamilyValidatedV1>[]) {
    await this.apply(
      batch.map(({ value: v }) => ({
        eventId: v.eventId,
        recordId: v.recordId,
        revision: v.revision,
        status: 'validated',
        at: v.occurredAt,
        detail: { ruleSetVersion: v.ruleSetVersion, warnings: v.warnings },
        familyId: null,
      })),
    );
  }

  @EventPattern(TOPICS.familyRejected)
  async onRejected(@Payload() batch: ConsumedEvent<FamilyRejectedV1>[]) {
    await this.apply(
      batch.map(({ value: v }) => ({
        eventId: v.eventId,
        recordId: v.recordId,
        revision: v.revision,
        status: 'rejected',
        at: v.occurredAt,
        detail: { ruleSetVersion: v.ruleSetVersion, errors: v.errors, warnings: v.warnings },
        familyId: null,
      })),
    );
  }

  @EventPattern(TOPICS.submissionRegistered)
  async onRegistered(@Payload() batch: ConsumedEvent<SubmissionRegisteredV1>[]) {
    await this.apply(
      batch.map(({ value: v }) => ({
        eventId: v.eventId,
        recordId: v.recordId,
        revision: v.revision,
        status: 'registered',
        at: v.occurredAt,
        detail: { familyId: v.familyId, familyVersion: v.familyVersion, changed: v.changed, ...(v.members ? { members: v.members } : {}) },
        familyId: v.familyId,
      })),
    );
  }

  /**
   * Appends trail entries (the event id makes a redelivery a no-op) and moves each record's current
   * status forward: received < validated | rejected < registered, for its latest revision only.
   */
  private async apply(events: StatusEvent[]) {
    await this.db.transaction(async (m) => {
      await m.query(
        `with input as (
           select * from unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::timestamptz[], $6::jsonb[], $7::uuid[])
             as t(event_id, record_id, revision, status, at, detail, family_id)
         ), added as (
           insert into gateway.submission_events (event_id, record_id, revision, status, at, detail)
           select i.event_id, i.record_id, i.revision, i.status, i.at, i.detail from input i
             join gateway.submission_records r on r.id = i.record_id
           on conflict (event_id) do nothing
           returning event_id
         ), ranked as (
           select distinct on (i.record_id) i.record_id, i.revision, i.status, i.family_id
             from input i join added a on a.event_id = i.event_id
            order by i.record_id, i.revision desc, case i.status when 'registered' then 3 else 2 end desc
         )
         update gateway.submission_records r
            set status = x.status, family_id = coalesce(x.family_id, r.family_id), updated_at = now()
           from ranked x
          where r.id = x.record_id and r.revision = x.revision
            and (case x.status when 'registered' then 3 else 2 end) > (case r.status when 'registered' then 3 when 'received' then 1 else 2 end)`,
        [
          events.map((e) => e.eventId),
          events.map((e) => e.recordId),
          events.map((e) => e.revision),
          events.map((e) => e.status),
          events.map((e) => e.at),
          events.map((e) => JSON.stringify(e.detail)),
          events.map((e) => e.familyId),
        ],
      );
    });
  }
}
