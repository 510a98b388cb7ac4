import type { FamilyAttributes, FamilyState, MemberAttributes } from '@satupintu/contracts';
import type { EntityManager } from 'typeorm';
import type { AppliedBatch, FamilyChange, PersonRow, RegistrySnapshot } from './apply-submissions';

const S = 'registry';

interface FamilyRow {
  id: string;
  kk: string;
  village_code: string;
  district_code: string;
  regency_code: string;
  province_code: string;
  rt: string;
  rw: string;
  street: string | null;
  attributes: FamilyAttributes;
  version: number;
}

type PersonSelect = { id: string; nik: string; name: string; sex: 'M' | 'F'; birth_date: string; attributes: MemberAttributes; version: number };
const PERSON_COLUMNS = `id, nik, name, sex, to_char(birth_date, 'YYYY-MM-DD') as birth_date, attributes, version`;
const toPersonRow = (p: PersonSelect): PersonRow => ({ id: p.id, nik: p.nik, name: p.name, sex: p.sex, birthDate: p.birth_date, attributes: p.attributes, version: p.version });

/** Set-based reads and writes of the registry tables: a handful of statements per batch. */
export class RegistryRepository {
  constructor(private readonly m: EntityManager) {}

  /**
   * Loads and locks every row the batch can touch: the families of its KKs, its persons (by NIK),
   * and the families those persons belong to now. Rows are locked in id order to avoid deadlocks
   * between instances.
   */
  async loadSnapshot(kks: string[], niks: string[]): Promise<RegistrySnapshot> {
    const byKk: Array<{ id: string }> = await this.m.query(`select id from ${S}.families where kk = any($1::text[]) order by id for update`, [kks]);
    const persons: PersonSelect[] = await this.m.query(
      `select ${PERSON_COLUMNS} from ${S}.persons where nik = any($1::text[]) order by id for update`,
      [niks],
    );
    const memberOf: Array<{ family_id: string }> = await this.m.query(
      `select distinct family_id from ${S}.memberships where person_id = any($1::uuid[]) and valid_to is null`,
      [persons.map((p) => p.id)],
    );
    const kkIds = new Set(byKk.map((f) => f.id));
    const others = memberOf.map((r) => r.family_id).filter((id) => !kkIds.has(id));
    if (others.length > 0) {
      await this.m.query(`select id from ${S}.families where id = any($1::uuid[]) order by id for update`, [others]);
    }
    const familyIds = [...kkIds, ...others];
    const families = await this.loadFamilies(familyIds);

    const snapshot: RegistrySnapshot = { families: new Map(), familyIdByKk: new Map(), personsByNik: new Map(), membershipOf: new Map() };
    for (const f of families) {
      snapshot.families.set(f.familyId, f);
      snapshot.familyIdByKk.set(f.kk, f.familyId);
      for (const m of f.members) snapshot.membershipOf.set(m.personId, { familyId: f.familyId, relationship: m.relationship });
    }
    for (const p of persons) snapshot.personsByNik.set(p.nik, toPersonRow(p));
    // Members of the loaded families are needed by NIK too (a member re-recorded in its own family).
    const loaded = new Set(persons.map((p) => p.id));
    const missing = families.flatMap((f) => f.members.map((m) => m.personId)).filter((id) => !loaded.has(id));
    if (missing.length > 0) {
      const more: PersonSelect[] = await this.m.query(`select ${PERSON_COLUMNS} from ${S}.persons where id = any($1::uuid[]) order by id for update`, [missing]);
      for (const p of more) snapshot.personsByNik.set(p.nik, toPersonRow(p));
    }
    return snapshot;
  }

  /** Full current state of families (members by active membership). */
  async loadFamilies(ids: string[]): Promise<FamilyState[]> {
    if (ids.length === 0) return [];
    const rows: FamilyRow[] = await this.m.query(`select * from ${S}.families where id = any($1::uuid[])`, [ids]);
    const members: Array<{ family_id: string; person_id: string; nik: string | null; name: string; sex: 'M' | 'F'; birth_date: string; relationship: number; attributes: MemberAttributes }> =
      await this.m.query(
        `select ms.family_id, p.id as person_id, p.nik, p.name, p.sex, to_char(p.birth_date, 'YYYY-MM-DD') as birth_date, ms.relationship, p.attributes
           from ${S}.memberships ms join ${S}.persons p on p.id = ms.person_id
          where ms.family_id = any($1::uuid[]) and ms.valid_to is null
          order by ms.family_id, ms.position`,
        [ids],
      );
    const byFamily = new Map<string, FamilyState['members']>();
    for (const m of members) {
      const list = byFamily.get(m.family_id) ?? [];
      list.push({ personId: m.person_id, nik: m.nik, name: m.name, sex: m.sex, birthDate: m.birth_date, relationship: m.relationship, attributes: m.attributes });
      byFamily.set(m.family_id, list);
    }
    return rows.map((r) => ({
      familyId: r.id,
      kk: r.kk,
      version: r.version,
      address: {
        villageCode: r.village_code,
        districtCode: r.district_code,
        regencyCode: r.regency_code,
        provinceCode: r.province_code,
        rt: r.rt,
        rw: r.rw,
        ...(r.street !== null ? { street: r.street } : {}),
      },
      members: byFamily.get(r.id) ?? [],
      attributes: r.attributes,
    }));
  }

  async save(applied: AppliedBatch): Promise<void> {
    await this.savePersons([...applied.persons.values()]);
    await this.saveFamilies([...applied.families.values()]);
    await this.saveMemberships(applied);
    await this.saveHistory(applied.changes);
  }

  private async savePersons(persons: PersonRow[]) {
    if (persons.length === 0) return;
    await this.m.query(
      `insert into ${S}.persons (id, nik, name, sex, birth_date, attributes, version, created_at, updated_at)
       select t.id, t.nik, t.name, t.sex, t.birth_date, t.attributes, t.version, now(), now()
         from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[], $6::jsonb[], $7::int[]) as t(id, nik, name, sex, birth_date, attributes, version)
       on conflict (id) do update
         set name = excluded.name, sex = excluded.sex, birth_date = excluded.birth_date, attributes = excluded.attributes,
             version = excluded.version, updated_at = now()`,
      [
        persons.map((p) => p.id),
        persons.map((p) => p.nik),
        persons.map((p) => p.name),
        persons.map((p) => p.sex),
        persons.map((p) => p.birthDate),
        persons.map((p) => JSON.stringify(p.attributes)),
        persons.map((p) => p.version),
      ],
    );
  }

  private async saveFamilies(families: FamilyState[]) {
    if (families.length === 0) return;
    const a = families.map((f) => f.address);
    await this.m.query(
      `insert into ${S}.families (id, kk, village_code, district_code, regency_code, province_code, rt, rw, street, version, attributes, created_at, updated_at)
       select t.*, now(), now()
         from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::jsonb[])
           as t(id, kk, village_code, district_code, regency_code, province_code, rt, rw, street, version, attributes)
       on conflict (id) do update
         set village_code = excluded.village_code, district_code = excluded.district_code, regency_code = excluded.regency_code,
             province_code = excluded.province_code, rt = excluded.rt, rw = excluded.rw, street = excluded.street,
             version = excluded.version, attributes = excluded.attributes, updated_at = now()`,
      [
        families.map((f) => f.familyId),
        families.map((f) => f.kk),
        a.map((x) => x.villageCode),
        a.map((x) => x.districtCode),
        a.map((x) => x.regencyCode),
        a.map((x) => x.provinceCode),
        a.map((x) => x.rt),
        a.map((x) => x.rw),
        a.map((x) => x.street ?? null),
        families.map((f) => f.version),
        families.map((f) => JSON.stringify(f.attributes ?? {})),
      ],
    );
  }

  /** Closes changed memberships and opens the new ones (membership history is kept). */
  private async saveMemberships(applied: AppliedBatch) {
    const changed = [...applied.memberships.keys()];
    if (changed.length === 0) return;
    await this.m.query(`update ${S}.memberships set valid_to = now() where person_id = any($1::uuid[]) and valid_to is null`, [changed]);
    const open = [...applied.memberships].filter(([, m]) => m !== null) as Array<[string, { familyId: string; relationship: number }]>;
    if (open.length === 0) return;
    const position = (personId: string, familyId: string) =>
      applied.families.get(familyId)?.members.findIndex((m) => m.personId === personId) ?? 0;
    await this.m.query(
      `insert into ${S}.memberships (family_id, person_id, relationship, position, valid_from)
       select t.family_id, t.person_id, t.relationship, t.position, now()
         from unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[]) as t(family_id, person_id, relationship, position)`,
      [open.map(([, m]) => m.familyId), open.map(([p]) => p), open.map(([, m]) => m.relationship), open.map(([p, m]) => position(p, m.familyId))],
    );
  }

  private async saveHistory(changes: FamilyChange[]) {
    if (changes.length === 0) return;
    await this.m.query(
      `insert into ${S}.family_history (family_id, version, cause, diff, after, recorded_at)
       select t.family_id, t.version, t.cause, t.diff, t.after, now()
         from unnest($1::uuid[], $2::int[], $3::jsonb[], $4::jsonb[], $5::jsonb[]) as t(family_id, version, cause, diff, after)`,
      [
        changes.map((c) => c.familyId),
        changes.map((c) => c.version),
        changes.map((c) => JSON.stringify(c.cause)),
        changes.map((c) => JSON.stringify(c.diff)),
        changes.map((c) => JSON.stringify(c.after)),
      ],
    );
  }
}
