import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The asynchronous side of the DCI API: transactions (what was asked in a message and how each
 * request stands, for txn/status), subscriptions (persisted, so they survive restarts), and the
 * callbacks to senders (on-search, on-subscribe, on-unsubscribe, txn/on-status and notify) as a
 * queue delivered in order per sender, with retries and a dead-letter state. A notification is
 * queued once per registry event and subscription (unique key).
 */
export class DciCallbacks1764710000000 implements MigrationInterface {
  name = 'DciCallbacks1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table gateway.dci_transactions (
      correlation_id uuid primary key,
      sender_id text not null,
      transaction_id text not null,
      action text not null,
      requests jsonb not null,
      created_at timestamptz not null default now()
    )`);
    await q.query('create index dci_transactions_sender on gateway.dci_transactions (sender_id, transaction_id)');
    await q.query(`create table gateway.dci_subscriptions (
      code uuid primary key,
      sender_id text not null references gateway.dci_senders(sender_id),
      agency_id text not null,
      event_types text[] not null,
      entity text not null check (entity in ('Group', 'Member')),
      filter_type text not null,
      filter jsonb not null,
      query jsonb not null,
      locale text not null,
      status text not null check (status in ('subscribe', 'unsubscribe')),
      created_at timestamptz not null default now(),
      ended_at timestamptz
    )`);
    await q.query(`create index dci_subscriptions_active on gateway.dci_subscriptions (agency_id) where status = 'subscribe'`);
    await q.query(`create table gateway.dci_deliveries (
      seq bigint generated always as identity primary key,
      sender_id text not null,
      kind text not null check (kind in ('on-search', 'on-subscribe', 'on-unsubscribe', 'txn/on-status', 'notify')),
      url text not null,
      subscription_code uuid,
      family_id uuid,
      family_version int,
      header jsonb,
      message jsonb,
      record_ids text[] not null default '{}',
      state text not null check (state in ('pending', 'delivered', 'dead')),
      attempts int not null default 0,
      next_attempt_at timestamptz not null default now(),
      lease_until timestamptz,
      last_error text,
      created_at timestamptz not null default now(),
      delivered_at timestamptz
    )`);
    await q.query(`create unique index dci_deliveries_once on gateway.dci_deliveries (subscription_code, family_id, family_version) where kind = 'notify'`);
    await q.query(`create index dci_deliveries_due on gateway.dci_deliveries (sender_id, seq) where state = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table gateway.dci_deliveries, gateway.dci_subscriptions, gateway.dci_transactions');
  }
}
