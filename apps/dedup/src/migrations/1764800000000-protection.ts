import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Encryption at rest (docs/security.md "Encryption at rest"): NIK, names and birth dates move into
 * one protected `identity` value per person and per observation, the KK into a protected `kk`, and
 * NIK and KK are found by their keyed blind indexes (`nik_index`, `kk_index`). The family history's
 * `diff` and `after` hold a protected value (a JSON string) instead of the document.
 *
 * The migration cannot encrypt (it has no keys): it moves existing values over in clear, and the
 * service protects them (and their indexes) before it takes any work (`rotate`, run at start when
 * rows in clear are found).
 */
export class Protection1764800000000 implements MigrationInterface {
  name = 'Protection1764800000000';

  async up(q: QueryRunner): Promise<void> {
    const identity = `json_build_object('nik', nik, 'name', name, 'birthDate', to_char(birth_date, 'YYYY-MM-DD'))::text`;
    await q.query('alter table registry.persons add column nik_index text, add column identity text');
    await q.query(`update registry.persons set nik_index = nik, identity = ${identity}`);
    await q.query('alter table registry.persons alter column identity set not null');
    await q.query('drop index registry.persons_active_nik');
    await q.query('alter table registry.persons drop column nik, drop column name, drop column birth_date');
    await q.query('create unique index persons_active_nik on registry.persons (nik_index) where nik_index is not null and merged_into is null');

    await q.query('alter table registry.person_observations add column identity text');
    await q.query(`update registry.person_observations set identity = ${identity}`);
    await q.query('alter table registry.person_observations alter column identity set not null');
    await q.query('alter table registry.person_observations drop column nik, drop column name, drop column birth_date');

    await q.query('alter table registry.families add column kk_index text');
    await q.query('update registry.families set kk_index = kk');
    await q.query('alter table registry.families alter column kk_index set not null');
    await q.query('alter table registry.families drop constraint families_kk_key');
    await q.query('alter table registry.families add constraint families_kk_index_key unique (kk_index)');
  }

  async down(): Promise<void> {
    throw new Error('encryption at rest cannot be undone by a migration: the values are encrypted');
  }
}
