import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read models of region indicator counters (current and by day) and collection campaigns with targets. */
export class Indicators1764300000000 implements MigrationInterface {
  name = 'Indicators1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table gateway.region_indicators (
      region_code text primary key,
      level text not null,
      parent_code text,
      counters jsonb not null,
      seq bigint not null,
      updated_at timestamptz not null
    )`);
    await q.query('create index region_indicators_parent on gateway.region_indicators (parent_code)');
    await q.query(`create table gateway.region_indicator_days (
      region_code text not null,
      day date not null,
      parent_code text,
      counters jsonb not null,
      seq bigint not null,
      primary key (region_code, day)
    )`);
    await q.query('create index region_indicator_days_parent on gateway.region_indicator_days (parent_code, day)');
    await q.query(`create table gateway.campaigns (
      campaign_id text primary key,
      name text not null,
      starts_on date not null,
      ends_on date not null,
      revision int not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    await q.query(`create table gateway.campaign_targets (
      campaign_id text not null references gateway.campaigns(campaign_id),
      region_code text not null,
      families int not null check (families > 0),
      primary key (campaign_id, region_code)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table gateway.campaign_targets, gateway.campaigns, gateway.region_indicator_days, gateway.region_indicators');
  }
}
