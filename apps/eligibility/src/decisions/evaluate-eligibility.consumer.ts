import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type FamilyChangedV1, type FamilyState } from '@satupintu/contracts';
import { ELDERLY_60, todayIn } from '@satupintu/domain';
import type { ConsumedEvent } from '@satupintu/kafka';
import { claimInbox, enqueueOutbox } from '@satupintu/persistence';
import { DATA_SOURCE, outboxEvent } from '@satupintu/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { decideForFamilies, failedCriteria, isChange, type StoredDecision } from './decide';

const PROGRAMMES = [ELDERLY_60];

/**
 * Re-evaluates the members of every changed family and publishes a decision event only when a
 * decision changes. Stored decisions make a replayed change publish nothing.
 */
@Controller()
export class EvaluateEligibilityConsumer {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  @EventPattern(TOPICS.familyChanged)
  async onFamilyChanged(@Payload() batch: ConsumedEvent<FamilyChangedV1>[]) {
    await this.db.transaction(async (m) => {
      const claimed = await claimInbox(m, 'eligibility', batch.map((e) => ({ eventId: e.value.eventId, topic: e.topic })));
      const fresh = batch.filter((e) => claimed.delete(e.value.eventId));
      const correlationOf = new Map(fresh.map((e) => [e.value.familyId, e.correlationId]));
      const families = fresh.map((e) => e.value.after).filter((f): f is FamilyState => f !== null);
      const onDate = todayIn();
      const decisions = [...decideForFamilies(families, PROGRAMMES, onDate).values()];
      if (decisions.length === 0) return;

      const stored: Array<{ person_id: string; programme_id: string; eligible: boolean; failed: string[] }> = await m.query(
        `select person_id, programme_id, eligible, failed from eligibility.decisions
          where person_id = any($1::uuid[]) for update`,
        [[...new Set(decisions.map((d) => d.personId))]],
      );
      const storedBy = new Map<string, StoredDecision>(stored.map((s) => [`${s.person_id}|${s.programme_id}`, { eligible: s.eligible, failed: s.failed }]));
      const changed = decisions.filter((d) => isChange(d, storedBy.get(`${d.personId}|${d.programmeId}`)));
      if (changed.length === 0) return;

      await m.query(
        `insert into eligibility.decisions (person_id, programme_id, family_id, programme_version, eligible, failed, criteria, evaluated_on, updated_at)
         select t.*, now() from unnest($1::uuid[], $2::text[], $3::uuid[], $4::int[], $5::bool[], $6::jsonb[], $7::jsonb[], $8::date[])
           as t(person_id, programme_id, family_id, programme_version, eligible, failed, criteria, evaluated_on)
         on conflict (person_id, programme_id) do update
           set family_id = excluded.family_id, programme_version = excluded.programme_version, eligible = excluded.eligible,
               failed = excluded.failed, criteria = excluded.criteria, evaluated_on = excluded.evaluated_on, updated_at = now()`,
        [
          changed.map((d) => d.personId),
          changed.map((d) => d.programmeId),
          changed.map((d) => d.familyId),
          changed.map((d) => d.programmeVersion),
          changed.map((d) => d.eligible),
          changed.map((d) => JSON.stringify(failedCriteria(d.criteria))),
          changed.map((d) => JSON.stringify(d.criteria)),
          changed.map(() => onDate),
        ],
      );
      const now = new Date().toISOString();
      await enqueueOutbox(
        m,
        'eligibility',
        changed.map((d) =>
          outboxEvent(
            TOPICS.eligibilityDecisionChanged,
            d.familyId,
            {
              eventId: randomUUID(),
              occurredAt: now,
              familyId: d.familyId,
              personId: d.personId,
              programmeId: d.programmeId,
              programmeVersion: d.programmeVersion,
              eligible: d.eligible,
              previouslyEligible: storedBy.get(`${d.personId}|${d.programmeId}`)?.eligible ?? null,
              criteria: d.criteria,
              evaluatedOn: onDate,
            },
            correlationOf.get(d.familyId),
          ),
        ),
      );
    });
  }
}
