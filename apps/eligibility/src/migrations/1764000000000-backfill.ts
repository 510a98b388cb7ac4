import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The service's copy of every family's latest state (for backfills) and the programme versions. */
export class Backfill1764000000000 implements MigrationInterface {
  name = 'Backfill1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table eligibility.families (
      family_id uuid primary key,
      version int not null,
      village_code text not null,
      state jsonb not null,
      updated_at timestamptz not null
    )`);
    await q.query(`create table eligibility.programmes (
      id text not null,
      version int not null,
      definition jsonb not null,
      active boolean not null default false,
      activated_at timestamptz,
      primary key (id, version)
    )`);
    await q.query('create unique index programmes_one_active on eligibility.programmes (id) where active');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table eligibility.programmes, eligibility.families');
  }
}
