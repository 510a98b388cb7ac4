import { Inject, Injectable } from '@nestjs/common';
import { ApiError, DATA_SOURCE } from '@satupintu/platform';
import type { DataSource } from 'typeorm';
import { SCOPE_SQL, type Caller } from '../auth/caller';
import { RegistryReadModel, type StoredState } from './read-model';

const NIK = /^\d{16}$/;
const FAMILY_NOT_FOUND = () => new ApiError(404, 'FAMILY_NOT_FOUND', 'no family has this id');


/**
 * Lookups in the registry read model, always inside the caller's regions: search by NIK or KK, and
 * one family's record. A family outside the caller's regions is answered as if it did not exist.
 */
@Injectable()
export class RegistryService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(RegistryReadModel) private readonly readModel: RegistryReadModel,
  ) {}

  async personsByNik(nik: unknown, caller: Caller) {
    if (typeof nik !== 'string' || !NIK.test(nik)) throw new ApiError(400, 'INVALID_QUERY', 'nik must be 16 digits');
    const found: Array<{ person_id: string; state: StoredState; identity: string | null }> = await this.db.query(
      `select m.person_id, f.state, f.identity from gateway.registry_members m join gateway.registry_families f on f.family_id = m.family_id
        where m.nik_index = $1 and f.state is not null and ${SCOPE_SQL('f.village_code', '$2')} order by f.family_id limit 20`,
      [this.readModel.index('nik', nik), caller.scopeRegions()],
    );
    const rows = await Promise.all(found.map(async (r) => ({ person_id: r.person_id, state: await this.readModel.fromRow(r.state, r.identity) })));
    const persons = rows.map(({ person_id, state }) => {
      const p = state.members.find((x) => x.personId === person_id)!;
      return { personId: p.personId, familyId: state.familyId, kk: state.kk, villageCode: state.address.villageCode, nik: p.nik, name: p.name, sex: p.sex, birthDate: p.birthDate, relationship: p.relationship };
    });
    caller.touched(persons.map((p) => p.personId));
    caller.detail = { query: 'nik', found: persons.length };
    return { persons };
  }

  async familiesByKk(kk: unknown, caller: Caller) {
    if (typeof kk !== 'string' || !NIK.test(kk)) throw new ApiError(400, 'INVALID_QUERY', 'kk must be 16 digits');
    const rows: Array<{ state: StoredState }> = await this.db.query(
      `select state from gateway.registry_families f where kk_index = $1 and state is not null and ${SCOPE_SQL('f.village_code', '$2')} order by family_id limit 20`,
      [this.readModel.index('kk', kk), caller.scopeRegions()],
    );
    // Found by the KK's blind index: the KK is the one asked for.
    const families = rows.map(({ state: s }) => ({ familyId: s.familyId, kk, villageCode: s.address.villageCode, version: s.version, members: s.members.length }));
    caller.touched(families.map((f) => f.familyId));
    caller.detail = { query: 'kk', found: families.length };
    return { families };
  }

  async family(familyId: string, caller: Caller) {
    const [row]: Array<{ village_code: string | null; state: StoredState | null; identity: string | null }> = await this.db.query(
      'select village_code, state, identity from gateway.registry_families where family_id = $1',
      [familyId],
    );
    if (!row?.state) throw FAMILY_NOT_FOUND();
    caller.assertVisible(row.village_code, FAMILY_NOT_FOUND());
    caller.touched([familyId], row.village_code);
    return this.readModel.fromRow(row.state, row.identity);
  }
}
