import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type FamilyChangedV1 } from '@satupintu/contracts';
import type { ConsumedEvent } from '@satupintu/kafka';
import { DATA_SOURCE } from '@satupintu/platform';
import type { DataSource } from 'typeorm';

/**
 * Keeps the gateway's read model of the registry, which search by NIK or KK and family lookups
 * answer from: each family's newest state (a higher version wins, so replays and late messages
 * change nothing) and its members' NIKs.
 */
@Controller()
export class RegistryConsumer {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  @EventPattern(TOPICS.familyChanged)
  async onFamilyChanged(@Payload() batch: ConsumedEvent<FamilyChangedV1>[]) {
    const newest = new Map<string, FamilyChangedV1>();
    for (const { value: e } of batch) {
      const seen = newest.get(e.familyId);
      if (!seen || seen.version < e.version) newest.set(e.familyId, e);
    }
    const events = [...newest.values()].sort((a, b) => a.familyId.localeCompare(b.familyId));
    await this.db.transaction(async (m) => {
      for (const e of events) {
        const s = e.after;
        const applied: unknown[] = await m.query(
          `insert into gateway.registry_families (family_id, version, kk, village_code, state) values ($1, $2, $3, $4, $5)
           on conflict (family_id) do update set version = excluded.version, kk = excluded.kk, village_code = excluded.village_code, state = excluded.state
             where gateway.registry_families.version < excluded.version
           returning family_id`,
          [e.familyId, e.version, s?.kk ?? null, s?.address.villageCode ?? null, s ? JSON.stringify(s) : null],
        );
        if (applied.length === 0) continue;
        await m.query('delete from gateway.registry_members where family_id = $1', [e.familyId]);
        if (s && s.members.length > 0) {
          await m.query(
            `insert into gateway.registry_members (family_id, person_id, nik) select $1, t.person_id, t.nik from unnest($2::uuid[], $3::text[]) as t(person_id, nik)`,
            [e.familyId, s.members.map((p) => p.personId), s.members.map((p) => p.nik)],
          );
        }
      }
    });
  }
}
