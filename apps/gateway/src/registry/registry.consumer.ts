import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type FamilyChangedV1 } from '@satupintu/contracts';
import type { ConsumedEvent } from '@satupintu/kafka';
import { DATA_SOURCE } from '@satupintu/platform';
import type { DataSource } from 'typeorm';
import { DciNotifier } from '../dci/notifier';
import { RegistryReadModel } from './read-model';

/**
 * Keeps the gateway's read model of the registry, which search by NIK or KK and family lookups
 * answer from: each family's newest state (a higher version wins, so replays and late messages
 * change nothing) and its members' NIKs. In the same transaction, every event newer than what the
 * read model held is handed to the DCI notifier (notifications to subscribed agencies).
 */
@Controller()
export class RegistryConsumer {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(DciNotifier) private readonly notifier: DciNotifier,
    @Inject(RegistryReadModel) private readonly readModel: RegistryReadModel,
  ) {}

  @EventPattern(TOPICS.familyChanged)
  async onFamilyChanged(@Payload() batch: ConsumedEvent<FamilyChangedV1>[]) {
    const newest = new Map<string, FamilyChangedV1>();
    for (const { value: e } of batch) {
      const seen = newest.get(e.familyId);
      if (!seen || seen.version < e.version) newest.set(e.familyId, e);
    }
    const events = [...newest.values()].sort((a, b) => a.familyId.localeCompare(b.familyId));
    // Split and sealed before the transaction (docs/security.md "Encryption at rest").
    const rows = await Promise.all(events.map((e) => (e.after ? this.readModel.toRow(e.after) : null)));
    await this.db.transaction(async (m) => {
      const held: Array<{ family_id: string; version: number }> = await m.query(
        'select family_id, version from gateway.registry_families where family_id = any($1::uuid[]) for update',
        [events.map((e) => e.familyId)],
      );
      const heldVersion = new Map(held.map((r) => [r.family_id, r.version]));
      // One statement per table for the whole batch: the families whose version is newer, then their members.
      const applied: Array<{ family_id: string }> = await m.query(
        `insert into gateway.registry_families (family_id, version, kk_index, village_code, state, identity)
         select * from unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::jsonb[], $6::text[])
         on conflict (family_id) do update
           set version = excluded.version, kk_index = excluded.kk_index, village_code = excluded.village_code, state = excluded.state, identity = excluded.identity
           where gateway.registry_families.version < excluded.version
         returning family_id`,
        [
          events.map((e) => e.familyId), events.map((e) => e.version), rows.map((r) => r?.kkIndex ?? null),
          events.map((e) => e.after?.address.villageCode ?? null), rows.map((r) => (r ? JSON.stringify(r.state) : null)), rows.map((r) => r?.identity ?? null),
        ],
      );
      // Every event of the batch newer than what was held (not only the newest), oldest first.
      const fresh = new Map<string, FamilyChangedV1>();
      for (const { value: e } of batch) if (e.version > (heldVersion.get(e.familyId.toLowerCase()) ?? 0)) fresh.set(`${e.familyId}:${e.version}`, e);
      await this.notifier.queue(m, [...fresh.values()].sort((a, b) => a.familyId.localeCompare(b.familyId) || a.version - b.version));
      if (applied.length === 0) return;
      const ids = new Set(applied.map((r) => r.family_id));
      await m.query('delete from gateway.registry_members where family_id = any($1::uuid[])', [[...ids]]);
      const members = events.flatMap((e, i) => (ids.has(e.familyId.toLowerCase()) ? (rows[i]?.members ?? []).map((p) => ({ familyId: e.familyId, ...p })) : []));
      if (members.length === 0) return;
      await m.query(
        `insert into gateway.registry_members (family_id, person_id, nik_index) select * from unnest($1::uuid[], $2::uuid[], $3::text[])`,
        [members.map((p) => p.familyId), members.map((p) => p.personId), members.map((p) => p.nikIndex)],
      );
    });
  }
}
