import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type FamilyChangedV1, type FamilyState } from '@satupintu/contracts';
import { evaluateFamily, todayIn, whoGrowthTables, type Decision } from '@satupintu/domain';
import type { ConsumedEvent } from '@satupintu/kafka';
import { claimInbox, enqueueOutbox } from '@satupintu/persistence';
import { DATA_SOURCE, outboxEvent } from '@satupintu/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ELIGIBILITY_SETTINGS, type EligibilitySettings } from '../config/eligibility.config';
import { failedCriteria, isChange, needsWrite, subjectOf, type StoredDecision } from './decide';

/**
 * Re-evaluates every programme for each changed family (its members for person programmes, the
 * family for family programmes), stores the decisions, and publishes a decision event only when a
 * decision changes. Stored decisions make a replayed change publish nothing.
 */
@Controller()
export class EvaluateEligibilityConsumer {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(ELIGIBILITY_SETTINGS) private readonly settings: EligibilitySettings,
  ) {}

  @EventPattern(TOPICS.familyChanged)
  async onFamilyChanged(@Payload() batch: ConsumedEvent<FamilyChangedV1>[]) {
    await this.db.transaction(async (m) => {
      const claimed = await claimInbox(m, 'eligibility', batch.map((e) => ({ eventId: e.value.eventId, topic: e.topic })));
      const fresh = batch.filter((e) => claimed.delete(e.value.eventId));
      const correlationOf = new Map(fresh.map((e) => [e.value.familyId, e.correlationId]));
      // The latest state of each family in the batch decides (events of one family arrive in order).
      const latest = new Map<string, FamilyState>();
      for (const e of fresh) if (e.value.after) latest.set(e.value.familyId, e.value.after);
      const onDate = todayIn(this.settings.timeZone);
      const growth = whoGrowthTables();
      const decisions = new Map<string, Decision>();
      for (const family of latest.values()) {
        for (const d of evaluateFamily(family, this.settings.programmes, onDate, growth)) decisions.set(`${subjectOf(d)}|${d.programmeId}`, d);
      }
      if (decisions.size === 0) return;

      const stored: Array<{ subject_id: string; programme_id: string; eligible: boolean; failed: string[] }> = await m.query(
        `select subject_id, programme_id, eligible, failed from eligibility.decisions where subject_id = any($1::uuid[]) for update`,
        [[...new Set([...decisions.values()].map(subjectOf))]],
      );
      const storedBy = new Map<string, StoredDecision>(stored.map((s) => [`${s.subject_id}|${s.programme_id}`, { eligible: s.eligible, failed: s.failed }]));
      const toWrite = [...decisions].filter(([k, d]) => needsWrite(d, storedBy.get(k)));
      if (toWrite.length === 0) return;

      const rows = toWrite.map(([, d]) => d);
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
      const published = toWrite.filter(([k, d]) => isChange(d, storedBy.get(k)));
      await enqueueOutbox(
        m,
        'eligibility',
        published.map(([k, d]) =>
          outboxEvent(
            TOPICS.eligibilityDecisionChanged,
            d.familyId,
            {
              eventId: randomUUID(),
              occurredAt: now,
              familyId: d.familyId,
              personId: d.personId,
              targetUnit: d.personId ? 'person' : 'family',
              programmeId: d.programmeId,
              programmeVersion: d.programmeVersion,
              eligible: d.eligible,
              previouslyEligible: storedBy.get(k)?.eligible ?? null,
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
