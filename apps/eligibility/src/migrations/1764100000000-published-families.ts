import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the service last told read models about each family: the revision counter and the village. */
export class PublishedFamilies1764100000000 implements MigrationInterface {
  name = 'PublishedFamilies1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table eligibility.published_families (
      family_id uuid primary key,
      revision int not null,
      village_code text not null,
      removed boolean not null default false,
      updated_at timestamptz not null
    )`);
    await q.query(`create table eligibility.daily_runs (
      evaluated_on date primary key,
      started_at timestamptz not null,
      finished_at timestamptz,
      report jsonb
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table eligibility.daily_runs, eligibility.published_families');
  }
}
