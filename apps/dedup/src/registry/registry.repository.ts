import type { FamilyAttributes, FamilyState, MemberAttributes } from '@satupintu/contracts';
import { openJson, PROTECTED, sealJson, sealJsonColumn, type Protector, type SealedIdentity } from '@satupintu/protection';
import type { EntityManager } from 'typeorm';
import type { MergeDecider, PairScore, PersonSnapshot, ReviewTaskV1 } from '@satupintu/contracts';
import type { FamilyChange, ObservationRow, PersonRow, RegistrySnapshot } from './apply-submissions';
import type { Observation } from './golden-record';

/** What one step (a batch, a merge, an unmerge) writes to the registry. */
export interface RegistryWrite {
  changes: FamilyChange[];
  families: Map<string, FamilyState>;
  persons: Map<string, PersonRow>;
  memberships: Map<string, { familyId: string; relationship: number } | null>;
  observations?: ObservationRow[];
}

const S = 'registry';
const C = PROTECTED.registry;

type Membership = { familyId: string; relationship: number };

interface FamilyRow {
  id: string;
  /** Protected (docs/security.md "Encryption at rest"); found by `kk_index`. */
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

type PersonSelect = { id: string; identity: string; sex: 'M' | 'F'; attributes: MemberAttributes; version: number };
const PERSON_COLUMNS = `id, identity, sex, attributes, version`;

/** Set-based reads and writes of the registry tables: a handful of statements per batch. */
export class RegistryRepository {
  /**
   * @param recordedAt when this transaction's changes happened: the family history records the same
   * instant the change events carry, so consumers' dates and the registry's agree.
   */
  constructor(
    private readonly m: EntityManager,
    private readonly protector: Protector,
    private readonly recordedAt: string = new Date().toISOString(),
  ) {}

  private identityOf(sealed: string, context: string = C.personIdentity): Promise<SealedIdentity> {
    return openJson<SealedIdentity>(this.protector, sealed, context);
  }

  private async toPersonRow(p: PersonSelect): Promise<PersonRow> {
    const { nik, name, birthDate } = await this.identityOf(p.identity);
    return { id: p.id, nik, name, sex: p.sex, birthDate, attributes: p.attributes, version: p.version };
  }

  private indexes(kind: 'nik' | 'kk', values: string[]): string[] {
    return values.map((v) => this.protector.index(kind, v));
  }

  /**
   * Loads and locks every row the batch can touch: the families of its KKs, its persons (by NIK),
   * and the families those persons belong to now. Rows are locked in id order to avoid deadlocks
   * between instances.
   */
  async loadSnapshot(kks: string[], niks: string[]): Promise<RegistrySnapshot> {
    const byKk: Array<{ id: string }> = await this.m.query(`select id from ${S}.families where kk_index = any($1::text[]) order by id for update`, [this.indexes('kk', kks)]);
    const persons: PersonSelect[] = await this.m.query(
      `select ${PERSON_COLUMNS} from ${S}.persons where nik_index = any($1::text[]) and merged_into is null order by id for update`,
      [this.indexes('nik', niks)],
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

    const snapshot: RegistrySnapshot = { families: new Map(), familyIdByKk: new Map(), personsByNik: new Map(), personsById: new Map(), membershipOf: new Map() };
    const keep = async (p: PersonSelect) => {
      const row = await this.toPersonRow(p);
      snapshot.personsById.set(row.id, row);
      if (row.nik !== null) snapshot.personsByNik.set(row.nik, row);
    };
    for (const f of families) {
      snapshot.families.set(f.familyId, f);
      snapshot.familyIdByKk.set(f.kk, f.familyId);
      for (const m of f.members) snapshot.membershipOf.set(m.personId, { familyId: f.familyId, relationship: m.relationship });
    }
    for (const p of persons) await keep(p);
    // Members of the loaded families are needed by NIK too (a member re-recorded in its own family).
    const loaded = new Set(persons.map((p) => p.id));
    const missing = families.flatMap((f) => f.members.map((m) => m.personId)).filter((id) => !loaded.has(id));
    if (missing.length > 0) {
      const more: PersonSelect[] = await this.m.query(`select ${PERSON_COLUMNS} from ${S}.persons where id = any($1::uuid[]) order by id for update`, [missing]);
      for (const p of more) await keep(p);
    }
    return snapshot;
  }

  /** Full current state of families (members by active membership). */
  async loadFamilies(ids: string[]): Promise<FamilyState[]> {
    if (ids.length === 0) return [];
    const rows: FamilyRow[] = await this.m.query(`select * from ${S}.families where id = any($1::uuid[])`, [ids]);
    const members: Array<{ family_id: string; person_id: string; identity: string; sex: 'M' | 'F'; relationship: number; attributes: MemberAttributes }> =
      await this.m.query(
        `select ms.family_id, p.id as person_id, p.identity, p.sex, ms.relationship, p.attributes
           from ${S}.memberships ms join ${S}.persons p on p.id = ms.person_id
          where ms.family_id = any($1::uuid[]) and ms.valid_to is null
          order by ms.family_id, ms.position`,
        [ids],
      );
    const byFamily = new Map<string, FamilyState['members']>();
    for (const m of members) {
      const list = byFamily.get(m.family_id) ?? [];
      const { nik, name, birthDate } = await this.identityOf(m.identity);
      list.push({ personId: m.person_id, nik, name, sex: m.sex, birthDate, relationship: m.relationship, attributes: m.attributes });
      byFamily.set(m.family_id, list);
    }
    const kks = await Promise.all(rows.map((r) => this.protector.open(r.kk, C.familyKk)));
    return rows.map((r, i) => ({
      familyId: r.id,
      kk: kks[i],
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

  async save(write: RegistryWrite): Promise<void> {
    await this.savePersons([...write.persons.values()]);
    await this.saveFamilies([...write.families.values()]);
    await this.saveMemberships(write);
    await this.saveHistory(write.changes);
    await this.saveObservations(write.observations ?? []);
  }

  /** Active persons by id, locked (id order). */
  async lockPersons(ids: string[]): Promise<Map<string, PersonRow & { mergedInto: string | null; createdAt: string }>> {
    const rows: Array<PersonSelect & { merged_into: string | null; created_at: Date }> = await this.m.query(
      `select ${PERSON_COLUMNS}, merged_into, created_at from ${S}.persons where id = any($1::uuid[]) order by id for update`,
      [ids],
    );
    const persons = await Promise.all(rows.map(async (r) => ({ ...(await this.toPersonRow(r)), mergedInto: r.merged_into, createdAt: r.created_at.toISOString() })));
    return new Map(persons.map((p) => [p.id, p]));
  }

  /** Active memberships of persons. */
  async membershipsOf(ids: string[]): Promise<Map<string, { familyId: string; relationship: number }>> {
    const rows: Array<{ person_id: string; family_id: string; relationship: number }> = await this.m.query(
      `select person_id, family_id, relationship from ${S}.memberships where person_id = any($1::uuid[]) and valid_to is null`,
      [ids],
    );
    return new Map(rows.map((r) => [r.person_id, { familyId: r.family_id, relationship: r.relationship }]));
  }

  /** Locks families (id order) and returns their current states. */
  async lockFamilies(ids: string[]): Promise<Map<string, FamilyState>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    await this.m.query(`select id from ${S}.families where id = any($1::uuid[]) order by id for update`, [unique]);
    return new Map((await this.loadFamilies(unique)).map((f) => [f.familyId, f]));
  }

  /** A person and every person merged into it, directly or through others. */
  async cluster(id: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.m.query(
      `with recursive c(id) as (select $1::uuid union all select p.id from ${S}.persons p join c on p.merged_into = c.id) select id from c`,
      [id],
    );
    return rows.map((r) => r.id);
  }

  /** Every observation of the given persons. */
  async observationsOf(ids: string[]): Promise<Array<Observation & { personId: string }>> {
    const rows: Array<{ person_id: string; identity: string; sex: 'M' | 'F'; attributes: MemberAttributes; observed_at: Date }> = await this.m.query(
      `select person_id, identity, sex, attributes, observed_at from ${S}.person_observations where person_id = any($1::uuid[])`,
      [ids],
    );
    return Promise.all(
      rows.map(async (r) => ({ personId: r.person_id, ...(await this.identityOf(r.identity, C.observationIdentity)), sex: r.sex, attributes: r.attributes, observedAt: r.observed_at.toISOString() })),
    );
  }

  /** Golden records with where each person lives now, for events and review screens. */
  async snapshots(ids: string[]): Promise<Map<string, PersonSnapshot>> {
    const rows: Array<PersonSelect & { family_id: string | null; kk: string | null; village_code: string | null; relationship: number | null }> = await this.m.query(
      `select p.id, p.identity, p.sex, p.attributes, p.version,
              ms.family_id, f.kk, f.village_code, ms.relationship
         from ${S}.persons p
         left join ${S}.memberships ms on ms.person_id = p.id and ms.valid_to is null
         left join ${S}.families f on f.id = ms.family_id
        where p.id = any($1::uuid[])`,
      [ids],
    );
    const snapshots = await Promise.all(
      rows.map(async (r): Promise<PersonSnapshot> => ({
        personId: r.id,
        ...(await this.identityOf(r.identity)),
        sex: r.sex,
        attributes: r.attributes,
        familyId: r.family_id,
        kk: r.kk === null ? null : await this.protector.open(r.kk, C.familyKk),
        villageCode: r.village_code,
        relationship: r.relationship,
      })),
    );
    return new Map(snapshots.map((s) => [s.personId, s]));
  }

  async setMergedInto(personId: string, into: string | null): Promise<void> {
    await this.m.query(`update ${S}.persons set merged_into = $2, version = version + 1, updated_at = now() where id = $1`, [personId, into]);
  }

  async recordMerge(r: { id: string; survivorId: string; mergedId: string; decidedBy: MergeDecider; match: PairScore | null; survivorMembership: Membership | null; mergedMembership: Membership | null }) {
    await this.m.query(
      `insert into ${S}.merges (id, survivor_id, merged_id, decided_by, match, survivor_membership, merged_membership, merged_at) values ($1, $2, $3, $4, $5, $6, $7, now())`,
      [r.id, r.survivorId, r.mergedId, JSON.stringify(r.decidedBy), r.match && JSON.stringify(r.match), r.survivorMembership && JSON.stringify(r.survivorMembership), r.mergedMembership && JSON.stringify(r.mergedMembership)],
    );
  }

  async lockMerge(id: string): Promise<{ id: string; survivorId: string; mergedId: string; survivorMembership: Membership | null; mergedMembership: Membership | null; unmergedAt: Date | null } | null> {
    const rows: Array<{ id: string; survivor_id: string; merged_id: string; survivor_membership: Membership | null; merged_membership: Membership | null; unmerged_at: Date | null }> =
      await this.m.query(`select * from ${S}.merges where id = $1 for update`, [id]);
    const r = rows[0];
    return r ? { id: r.id, survivorId: r.survivor_id, mergedId: r.merged_id, survivorMembership: r.survivor_membership, mergedMembership: r.merged_membership, unmergedAt: r.unmerged_at } : null;
  }

  async recordUnmerge(id: string, by: { reviewer: string; reason: string }) {
    await this.m.query(`update ${S}.merges set unmerged_at = now(), unmerge = $2 where id = $1`, [id, JSON.stringify(by)]);
  }

  /** Opens a review task unless one is open for the pair; returns it (revision 1) or null. */
  async openReviewTask(t: Omit<ReviewTaskV1, 'eventId' | 'occurredAt' | 'revision' | 'status' | 'decision'>): Promise<boolean> {
    const rows: unknown[] = await this.m.query(
      `insert into ${S}.review_tasks (id, person_a, person_b, reason, village_code, match, status, revision, opened_at)
       values ($1, $2, $3, $4, $5, $6, 'open', 1, $7) on conflict do nothing returning id`,
      [t.taskId, t.a.personId, t.b.personId, t.reason, t.villageCode, JSON.stringify(t.match), t.openedAt],
    );
    return rows.length === 1;
  }

  async lockReviewTask(id: string): Promise<{ id: string; personA: string; personB: string; reason: 'probable-match' | 'nik-conflict'; villageCode: string; match: PairScore; status: ReviewTaskV1['status']; revision: number; openedAt: Date } | null> {
    const rows: Array<{ id: string; person_a: string; person_b: string; reason: 'probable-match' | 'nik-conflict'; village_code: string; match: PairScore; status: ReviewTaskV1['status']; revision: number; opened_at: Date }> =
      await this.m.query(`select * from ${S}.review_tasks where id = $1 for update`, [id]);
    const r = rows[0];
    return r ? { id: r.id, personA: r.person_a, personB: r.person_b, reason: r.reason, villageCode: r.village_code, match: r.match, status: r.status, revision: r.revision, openedAt: r.opened_at } : null;
  }

  async closeReviewTask(id: string, status: 'same' | 'different' | 'withdrawn', decision: NonNullable<ReviewTaskV1['decision']>): Promise<number> {
    // TypeORM answers an UPDATE with [rows, count].
    const [rows]: [Array<{ revision: number }>, number] = await this.m.query(
      `update ${S}.review_tasks set status = $2, decision = $3, revision = revision + 1 where id = $1 returning revision`,
      [id, status, JSON.stringify(decision)],
    );
    return rows[0].revision;
  }

  /** Resolves persons to the active person they were merged into (themselves when active). */
  async activeOf(ids: string[]): Promise<Map<string, string>> {
    const rows: Array<{ start: string; id: string }> = await this.m.query(
      `with recursive up(start, id, merged_into) as (
         select p.id, p.id, p.merged_into from ${S}.persons p where p.id = any($1::uuid[])
         union all select up.start, p.id, p.merged_into from ${S}.persons p join up on p.id = up.merged_into)
       select start, id from up where merged_into is null`,
      [ids],
    );
    return new Map(rows.map((r) => [r.start, r.id]));
  }

  async savePersons(persons: PersonRow[]) {
    if (persons.length === 0) return;
    await this.m.query(
      `insert into ${S}.persons (id, nik_index, identity, sex, attributes, version, created_at, updated_at)
       select t.id, t.nik_index, t.identity, t.sex, t.attributes, t.version, now(), now()
         from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::int[]) as t(id, nik_index, identity, sex, attributes, version)
       on conflict (id) do update
         set nik_index = excluded.nik_index, identity = excluded.identity, sex = excluded.sex, attributes = excluded.attributes,
             version = excluded.version, updated_at = now()`,
      [
        persons.map((p) => p.id),
        persons.map((p) => (p.nik === null ? null : this.protector.index('nik', p.nik))),
        await Promise.all(persons.map((p) => this.sealIdentity(p, C.personIdentity))),
        persons.map((p) => p.sex),
        persons.map((p) => JSON.stringify(p.attributes)),
        persons.map((p) => p.version),
      ],
    );
  }

  async saveFamilies(families: FamilyState[]) {
    if (families.length === 0) return;
    const a = families.map((f) => f.address);
    await this.m.query(
      `insert into ${S}.families (id, kk, kk_index, village_code, district_code, regency_code, province_code, rt, rw, street, version, attributes, created_at, updated_at)
       select t.*, now(), now()
         from unnest($1::uuid[], $2::text[], $12::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::jsonb[])
           as t(id, kk, kk_index, village_code, district_code, regency_code, province_code, rt, rw, street, version, attributes)
       on conflict (id) do update
         set village_code = excluded.village_code, district_code = excluded.district_code, regency_code = excluded.regency_code,
             province_code = excluded.province_code, rt = excluded.rt, rw = excluded.rw, street = excluded.street,
             version = excluded.version, attributes = excluded.attributes, updated_at = now()`,
      [
        families.map((f) => f.familyId),
        await Promise.all(families.map((f) => this.protector.seal(f.kk, C.familyKk))),
        a.map((x) => x.villageCode),
        a.map((x) => x.districtCode),
        a.map((x) => x.regencyCode),
        a.map((x) => x.provinceCode),
        a.map((x) => x.rt),
        a.map((x) => x.rw),
        a.map((x) => x.street ?? null),
        families.map((f) => f.version),
        families.map((f) => JSON.stringify(f.attributes ?? {})),
        families.map((f) => this.protector.index('kk', f.kk)),
      ],
    );
  }

  /** Closes changed memberships and opens the new ones (membership history is kept). */
  private async saveMemberships(applied: RegistryWrite) {
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

  private async saveObservations(observations: ObservationRow[]) {
    if (observations.length === 0) return;
    await this.m.query(
      `insert into ${S}.person_observations (person_id, family_id, source, identity, sex, attributes, observed_at)
       select * from unnest($1::uuid[], $2::uuid[], $3::jsonb[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[])`,
      [
        observations.map((o) => o.personId),
        observations.map((o) => o.familyId),
        observations.map((o) => JSON.stringify(o.source)),
        await Promise.all(observations.map((o) => this.sealIdentity(o, C.observationIdentity))),
        observations.map((o) => o.sex),
        observations.map((o) => JSON.stringify(o.attributes)),
        observations.map((o) => o.observedAt),
      ],
    );
  }

  private async saveHistory(changes: FamilyChange[]) {
    if (changes.length === 0) return;
    await this.m.query(
      `insert into ${S}.family_history (family_id, version, cause, diff, after, recorded_at)
       select t.family_id, t.version, t.cause, t.diff, t.after, $6::timestamptz
         from unnest($1::uuid[], $2::int[], $3::jsonb[], $4::jsonb[], $5::jsonb[]) as t(family_id, version, cause, diff, after)`,
      [
        changes.map((c) => c.familyId),
        changes.map((c) => c.version),
        changes.map((c) => JSON.stringify(c.cause)),
        await Promise.all(changes.map((c) => sealJsonColumn(this.protector, c.diff, C.historyDiff))),
        await Promise.all(changes.map((c) => sealJsonColumn(this.protector, c.after, C.historyAfter))),
        this.recordedAt,
      ],
    );
  }

  private sealIdentity(p: SealedIdentity, context: string): Promise<string> {
    return sealJson(this.protector, { nik: p.nik, name: p.name, birthDate: p.birthDate } satisfies SealedIdentity, context);
  }
}
