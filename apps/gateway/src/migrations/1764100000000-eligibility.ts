import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The gateway's read model of eligibility: every current decision per family, and the programmes in force. */
export class Eligibility1764100000000 implements MigrationInterface {
  name = 'Eligibility1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table gateway.eligibility_families (
      family_id uuid primary key,
      revision int not null,
      village_code text not null,
      removed boolean not null,
      updated_at timestamptz not null
    )`);
    await q.query(`create table gateway.eligibility_decisions (
      family_id uuid not null references gateway.eligibility_families(family_id) on delete cascade,
      subject_id uuid not null,
      programme_id text not null,
      person_id uuid,
      target_unit text not null,
      programme_version int not null,
      eligible boolean not null,
      criteria jsonb not null,
      evaluated_on date not null,
      village_code text not null,
      primary key (family_id, programme_id, subject_id)
    )`);
    await q.query('create index eligibility_decisions_person on gateway.eligibility_decisions (person_id) where person_id is not null');
    await q.query('create index eligibility_decisions_village on gateway.eligibility_decisions (village_code text_pattern_ops, programme_id)');
    await q.query(`create table gateway.programmes (
      programme_id text primary key,
      version int not null,
      description jsonb not null,
      updated_at timestamptz not null
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table gateway.programmes, gateway.eligibility_decisions, gateway.eligibility_families');
  }
}
