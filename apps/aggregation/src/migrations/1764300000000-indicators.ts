import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indicator counters per region, each family's counted contribution, and campaign windows. Replaces
 * the families/persons totals (now two counters among many); after an upgrade, rebuild the counts
 * from the registry with `node dist/apps/aggregation/src/main.js reconcile --repair`.
 */
export class Indicators1764300000000 implements MigrationInterface {
  name = 'Indicators1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('drop table aggregation.region_counts');
    await q.query(`create table aggregation.regions (
      region_code text primary key,
      level text not null,
      parent_code text,
      counters jsonb not null,
      seq bigint not null,
      published_seq bigint not null default 0,
      updated_at timestamptz not null
    )`);
    await q.query('create index regions_unpublished on aggregation.regions (region_code) where seq > published_seq');
    await q.query(`create table aggregation.families (
      family_id uuid primary key,
      version int not null,
      village_code text not null,
      recorded_on date not null,
      submission_days date[] not null,
      state jsonb not null,
      counters jsonb not null
    )`);
    await q.query('create index families_submission_days on aggregation.families using gin (submission_days)');
    await q.query(`create table aggregation.campaigns (
      campaign_id text primary key,
      name text not null,
      starts_on date not null,
      ends_on date not null,
      revision int not null,
      updated_at timestamptz not null
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table aggregation.campaigns, aggregation.families, aggregation.regions');
    await q.query(`create table aggregation.region_counts (
      region_code text primary key, level text not null, parent_code text,
      families int not null check (families >= 0), persons int not null check (persons >= 0),
      seq bigint not null, updated_at timestamptz not null
    )`);
  }
}
