import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Access control and audit: principals (who may call, with role, regions and purposes), their API
 * keys (hashed), the append-only audit trail (hash-chained; updates, deletes and truncates are
 * refused by triggers), who submitted each record and where, and the registry read model that
 * search by NIK or KK answers from.
 */
export class Access1764400000000 implements MigrationInterface {
  name = 'Access1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table gateway.principals (
      id uuid primary key,
      kind text not null check (kind in ('system', 'user')),
      label text not null unique,
      role text not null,
      regions text[] not null,
      purposes text[] not null,
      agency text,
      version int not null default 1,
      disabled_at timestamptz,
      tokens_not_before timestamptz not null default 'epoch',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`);
    await q.query(`create table gateway.api_keys (
      key_id text primary key,
      principal_id uuid not null references gateway.principals(id),
      secret_hash text not null,
      label text,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz
    )`);
    await q.query('create index api_keys_principal on gateway.api_keys (principal_id)');

    await q.query(`create table gateway.audit_log (
      seq bigint generated always as identity primary key,
      at timestamptz not null default clock_timestamp(),
      actor_id uuid,
      actor_label text,
      actor_role text,
      action text not null,
      outcome text not null,
      status int not null,
      record_type text,
      record_ids text[] not null default '{}',
      region text,
      purpose text,
      ip text,
      correlation_id text,
      detail jsonb not null default '{}',
      prev_hash text not null default '',
      hash text not null default ''
    )`);
    await q.query('create index audit_log_actor on gateway.audit_log (actor_id, seq)');
    await q.query('create index audit_log_records on gateway.audit_log using gin (record_ids)');
    await q.query('create index audit_log_at on gateway.audit_log (at)');
    // The hash of an entry covers its content and the previous entry's hash: changing or removing
    // any entry breaks every later link (GET /v1/admin/audit/verify recomputes the chain).
    await q.query(`create function gateway.audit_entry_hash(e gateway.audit_log) returns text language sql stable as $$
      select encode(sha256(convert_to(concat_ws('|', e.prev_hash, e.seq::text, to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        coalesce(e.actor_id::text, ''), coalesce(e.actor_label, ''), coalesce(e.actor_role, ''), e.action, e.outcome, e.status::text,
        coalesce(e.record_type, ''), array_to_string(e.record_ids, ','), coalesce(e.region, ''), coalesce(e.purpose, ''),
        coalesce(e.ip, ''), coalesce(e.correlation_id, ''), e.detail::text), 'UTF8')), 'hex')
    $$`);
    await q.query(`create function gateway.audit_chain() returns trigger language plpgsql as $$
      begin
        perform pg_advisory_xact_lock(hashtext('gateway.audit_log'));
        new.at := clock_timestamp();
        new.prev_hash := coalesce((select hash from gateway.audit_log order by seq desc limit 1), '');
        new.hash := gateway.audit_entry_hash(new);
        return new;
      end
    $$`);
    await q.query(`create function gateway.audit_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'gateway.audit_log is append-only' using errcode = 'insufficient_privilege';
      end
    $$`);
    await q.query('create trigger audit_chain before insert on gateway.audit_log for each row execute function gateway.audit_chain()');
    await q.query('create trigger audit_no_change before update or delete on gateway.audit_log for each row execute function gateway.audit_append_only()');
    await q.query('create trigger audit_no_truncate before truncate on gateway.audit_log for each statement execute function gateway.audit_append_only()');

    await q.query('alter table gateway.submission_records add column submitted_by uuid, add column village_code text');

    await q.query(`create table gateway.registry_families (
      family_id uuid primary key,
      version int not null,
      kk text,
      village_code text,
      state jsonb
    )`);
    await q.query('create index registry_families_kk on gateway.registry_families (kk)');
    await q.query(`create table gateway.registry_members (
      family_id uuid not null references gateway.registry_families(family_id) on delete cascade,
      person_id uuid not null,
      nik text,
      primary key (family_id, person_id)
    )`);
    await q.query('create index registry_members_nik on gateway.registry_members (nik) where nik is not null');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table gateway.registry_members, gateway.registry_families');
    await q.query('alter table gateway.submission_records drop column submitted_by, drop column village_code');
    await q.query('drop trigger audit_no_truncate on gateway.audit_log');
    await q.query('drop trigger audit_no_change on gateway.audit_log');
    await q.query('drop table gateway.audit_log');
    await q.query('drop function gateway.audit_append_only(), gateway.audit_chain(), gateway.audit_entry_hash(gateway.audit_log)');
    await q.query('drop table gateway.api_keys, gateway.principals');
  }
}
