import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Probabilistic matching, merges and review: persons may lack a NIK and may be merged into another
 * (`merged_into`); every recorded version of a person is kept as an observation (the golden record
 * is derived from them, and an unmerge restores each person from its own); merges and review tasks
 * are recorded.
 */
export class Matching1764200000000 implements MigrationInterface {
  name = 'Matching1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table registry.persons drop constraint persons_nik_key');
    await q.query('alter table registry.persons alter column nik drop not null');
    await q.query('alter table registry.persons add column merged_into uuid references registry.persons(id)');
    await q.query('create unique index persons_active_nik on registry.persons (nik) where nik is not null and merged_into is null');
    await q.query('create index persons_merged_into on registry.persons (merged_into) where merged_into is not null');
    await q.query(`create table registry.person_observations (
      id bigserial primary key,
      person_id uuid not null references registry.persons(id),
      family_id uuid references registry.families(id),
      source jsonb not null,
      nik text,
      name text not null,
      sex char(1) not null,
      birth_date date not null,
      attributes jsonb not null,
      observed_at timestamptz not null
    )`);
    await q.query('create index person_observations_person on registry.person_observations (person_id, observed_at)');
    await q.query(`insert into registry.person_observations (person_id, family_id, source, nik, name, sex, birth_date, attributes, observed_at)
      select p.id, m.family_id, '{"type":"migration"}'::jsonb, p.nik, p.name, p.sex, p.birth_date, p.attributes, p.updated_at
        from registry.persons p left join registry.memberships m on m.person_id = p.id and m.valid_to is null`);
    await q.query(`create table registry.merges (
      id uuid primary key,
      survivor_id uuid not null references registry.persons(id),
      merged_id uuid not null references registry.persons(id),
      decided_by jsonb not null,
      match jsonb,
      survivor_membership jsonb,
      merged_membership jsonb,
      merged_at timestamptz not null,
      unmerged_at timestamptz,
      unmerge jsonb
    )`);
    await q.query('create index merges_merged on registry.merges (merged_id)');
    await q.query(`create table registry.review_tasks (
      id uuid primary key,
      person_a uuid not null references registry.persons(id),
      person_b uuid not null references registry.persons(id),
      reason text not null,
      village_code text not null,
      match jsonb not null,
      status text not null check (status in ('open', 'same', 'different', 'withdrawn')),
      revision int not null,
      opened_at timestamptz not null,
      decision jsonb
    )`);
    await q.query(`create unique index review_tasks_open_pair on registry.review_tasks (least(person_a, person_b), greatest(person_a, person_b)) where status = 'open'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table registry.review_tasks, registry.merges, registry.person_observations');
    await q.query('drop index registry.persons_active_nik');
    await q.query('alter table registry.persons drop column merged_into');
    await q.query('alter table registry.persons add constraint persons_nik_key unique (nik)');
  }
}
