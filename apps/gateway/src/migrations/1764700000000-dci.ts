import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The DCI (SPDCI Social Registry API) side of the gateway: the senders an admin registered (the
 * agency each one speaks for, where its callbacks go) and their signing keys, and the message ids
 * already received from each sender (a message id is taken once).
 */
export class Dci1764700000000 implements MigrationInterface {
  name = 'Dci1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table gateway.dci_senders (
      sender_id text primary key,
      agency_id text not null,
      callback_base_url text,
      status text not null check (status in ('active', 'revoked')),
      registered_by uuid not null,
      registered_at timestamptz not null default now()
    )`);
    await q.query(`create table gateway.dci_sender_keys (
      sender_id text not null references gateway.dci_senders(sender_id) on delete cascade,
      key_id text not null,
      algorithm text not null check (algorithm in ('ed25519', 'rsa-sha256')),
      public_key_pem text not null,
      created_at timestamptz not null default now(),
      primary key (sender_id, key_id)
    )`);
    await q.query(`create table gateway.dci_messages (
      sender_id text not null,
      message_id text not null,
      action text not null,
      received_at timestamptz not null default now(),
      primary key (sender_id, message_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table gateway.dci_messages, gateway.dci_sender_keys, gateway.dci_senders');
  }
}
