import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type EligibilityFamilyDecisionsV1, type EligibilityProgrammeActivatedV1 } from '@satupintu/contracts';
import type { ConsumedEvent } from '@satupintu/kafka';
import { DATA_SOURCE } from '@satupintu/platform';
import type { DataSource } from 'typeorm';
import { EligibilityService } from './eligibility.service';

/**
 * Keeps the gateway's read model of eligibility: each family's decisions are replaced whole by its
 * newest message (highest revision wins, so a replay or a late message changes nothing).
 */
@Controller()
export class EligibilityConsumer {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(EligibilityService) private readonly eligibility: EligibilityService,
  ) {}

  @EventPattern(TOPICS.eligibilityFamilyDecisions)
  async onFamilyDecisions(@Payload() batch: ConsumedEvent<EligibilityFamilyDecisionsV1>[]) {
    const latest = new Map<string, EligibilityFamilyDecisionsV1>();
    for (const { value } of batch) {
      const prior = latest.get(value.familyId);
      if (!prior || prior.revision < value.revision) latest.set(value.familyId, value);
    }
    const families = [...latest.values()];
    const villages = await this.db.transaction(async (m) => {
      const before: Array<{ family_id: string; village_code: string }> = await m.query(
        'select family_id, village_code from gateway.eligibility_families where family_id = any($1::uuid[]) for update',
        [families.map((f) => f.familyId)],
      );
      // Only families whose message is newer than what is kept are replaced.
      const changed: Array<{ family_id: string }> = await m.query(
        `with kept as (
           insert into gateway.eligibility_families (family_id, revision, village_code, removed, updated_at)
           select * from unnest($1::uuid[], $2::int[], $3::text[], $4::bool[], $5::timestamptz[])
           on conflict (family_id) do update
             set revision = excluded.revision, village_code = excluded.village_code, removed = excluded.removed, updated_at = excluded.updated_at
             where gateway.eligibility_families.revision < excluded.revision
           returning family_id)
         select family_id from kept`,
        [families.map((f) => f.familyId), families.map((f) => f.revision), families.map((f) => f.villageCode), families.map((f) => f.removed), families.map((f) => f.occurredAt)],
      );
      if (changed.length === 0) return [];
      const ids = new Set(changed.map((c) => c.family_id));
      await m.query('delete from gateway.eligibility_decisions where family_id = any($1::uuid[])', [[...ids]]);
      const rows = families.filter((f) => ids.has(f.familyId)).flatMap((f) => f.decisions.map((d) => ({ f, d })));
      if (rows.length > 0) {
        await m.query(
          `insert into gateway.eligibility_decisions
             (family_id, subject_id, programme_id, person_id, target_unit, programme_version, eligible, criteria, evaluated_on, village_code)
           select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::int[], $7::bool[], $8::jsonb[], $9::date[], $10::text[])`,
          [
            rows.map(({ f }) => f.familyId),
            rows.map(({ f, d }) => d.personId ?? f.familyId),
            rows.map(({ d }) => d.programmeId),
            rows.map(({ d }) => d.personId),
            rows.map(({ d }) => d.targetUnit),
            rows.map(({ d }) => d.programmeVersion),
            rows.map(({ d }) => d.eligible),
            rows.map(({ d }) => JSON.stringify(d.criteria)),
            rows.map(({ d }) => d.evaluatedOn),
            rows.map(({ f }) => f.villageCode),
          ],
        );
      }
      return [...before.filter((b) => ids.has(b.family_id)).map((b) => b.village_code), ...families.filter((f) => ids.has(f.familyId)).map((f) => f.villageCode)];
    });
    await this.eligibility.invalidateRegions(villages);
  }

  @EventPattern(TOPICS.eligibilityProgrammeActivated)
  async onProgrammeActivated(@Payload() batch: ConsumedEvent<EligibilityProgrammeActivatedV1>[]) {
    for (const { value } of batch) {
      await this.db.query(
        `insert into gateway.programmes (programme_id, version, description, updated_at) values ($1, $2, $3, $4)
         on conflict (programme_id) do update set version = excluded.version, description = excluded.description, updated_at = excluded.updated_at
           where gateway.programmes.updated_at <= excluded.updated_at`,
        [value.programmeId, value.version, JSON.stringify(value), value.occurredAt],
      );
    }
    await this.eligibility.invalidateProgrammes();
  }
}
