import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agency grants (every version kept; a change is a new row, never an update) and the read model of
 * webhook delivery state that the subscriptions service publishes.
 */
export class Subscriptions1764500000000 implements MigrationInterface {
  name = 'Subscriptions1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table gateway.agency_grants (
      agency_id text not null,
      version int not null,
      status text not null check (status in ('active', 'revoked')),
      event_types text[] not null,
      fields text[] not null,
      regions text[] not null,
      purpose text not null,
      webhook_url text,
      webhook_secret_version int,
      changed_by uuid,
      changed_at timestamptz not null default now(),
      primary key (agency_id, version)
    )`);
    await q.query(`create function gateway.agency_grants_append_only() returns trigger language plpgsql as $$
      begin raise exception 'agency grants are versioned: add a version instead'; end $$`);
    await q.query(`create trigger agency_grants_append_only before update or delete on gateway.agency_grants
      for each row execute function gateway.agency_grants_append_only()`);
    await q.query(`create table gateway.webhook_status (
      agency_id text primary key,
      status jsonb not null,
      updated_at timestamptz not null
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table gateway.webhook_status');
    await q.query('drop trigger agency_grants_append_only on gateway.agency_grants');
    await q.query('drop table gateway.agency_grants');
    await q.query('drop function gateway.agency_grants_append_only()');
  }
}
