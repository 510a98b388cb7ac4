import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxAndInboxDdl } from '@satupintu/persistence';

/**
 * The grants in force, each agency's last published view of each family (to publish only what
 * changed within the grant, with a sequence per family), and the webhook deliveries.
 */
export class Initial1764500000000 implements MigrationInterface {
  name = 'Initial1764500000000';

  async up(q: QueryRunner): Promise<void> {
    for (const ddl of outboxAndInboxDdl('subscriptions')) await q.query(ddl);
    await q.query(`create table subscriptions.grants (
      agency_id text primary key,
      version int not null,
      grant_json jsonb not null,
      updated_at timestamptz not null default now()
    )`);
    await q.query(`create table subscriptions.agency_families (
      agency_id text not null,
      family_id uuid not null,
      sequence int not null,
      source_version int not null,
      payload jsonb,
      primary key (agency_id, family_id)
    )`);
    await q.query(`create table subscriptions.webhook_deliveries (
      id bigserial primary key,
      delivery_id uuid not null unique,
      agency_id text not null,
      family_id uuid not null,
      event_type text not null,
      sequence int not null,
      body text not null,
      status text not null default 'pending' check (status in ('pending', 'delivered', 'dead', 'cancelled')),
      attempts int not null default 0,
      next_attempt_at timestamptz not null default now(),
      locked_until timestamptz,
      last_error text,
      last_attempt_at timestamptz,
      created_at timestamptz not null default now(),
      delivered_at timestamptz,
      dead_at timestamptz
    )`);
    await q.query(`create index webhook_open_by_family on subscriptions.webhook_deliveries (agency_id, family_id, id) where status in ('pending', 'dead')`);
    await q.query(`create index webhook_due on subscriptions.webhook_deliveries (next_attempt_at) where status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table subscriptions.webhook_deliveries, subscriptions.agency_families, subscriptions.grants, subscriptions.inbox, subscriptions.outbox');
  }
}
