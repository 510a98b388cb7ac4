import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxAndInboxDdl } from '@satupintu/persistence';

export class Initial1763800000000 implements MigrationInterface {
  name = 'Initial1763800000000';

  async up(q: QueryRunner): Promise<void> {
    for (const ddl of outboxAndInboxDdl('gateway')) await q.query(ddl);
    await q.query(`create table gateway.submission_records (
      id uuid primary key,
      client_id text not null,
      idempotency_key text not null,
      revision int not null,
      payload_hash text not null,
      status text not null,
      family_id uuid,
      received_at timestamptz not null,
      updated_at timestamptz not null,
      unique (client_id, idempotency_key)
    )`);
    await q.query(`create table gateway.submission_events (
      event_id uuid primary key,
      record_id uuid not null references gateway.submission_records(id),
      revision int not null,
      status text not null,
      detail jsonb not null default '{}'::jsonb,
      at timestamptz not null
    )`);
    await q.query('create index submission_events_record on gateway.submission_events (record_id, at)');
    await q.query(`create table gateway.region_counts (
      region_code text primary key,
      level text not null,
      parent_code text,
      families int not null,
      persons int not null,
      seq bigint not null,
      updated_at timestamptz not null
    )`);
    await q.query('create index region_counts_parent on gateway.region_counts (parent_code)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table gateway.region_counts, gateway.submission_events, gateway.submission_records, gateway.inbox, gateway.outbox');
  }
}
