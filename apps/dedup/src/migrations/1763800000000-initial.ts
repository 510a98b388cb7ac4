import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxAndInboxDdl } from '@satupintu/persistence';

export class Initial1763800000000 implements MigrationInterface {
  name = 'Initial1763800000000';

  async up(q: QueryRunner): Promise<void> {
    for (const ddl of outboxAndInboxDdl('registry')) await q.query(ddl);
    await q.query(`create table registry.families (
      id uuid primary key,
      kk text not null unique,
      village_code text not null,
      district_code text not null,
      regency_code text not null,
      province_code text not null,
      rt text not null,
      rw text not null,
      street text,
      version int not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    await q.query('create index families_village on registry.families (village_code)');
    await q.query(`create table registry.persons (
      id uuid primary key,
      nik text unique,
      name text not null,
      sex char(1) not null check (sex in ('M', 'F')),
      birth_date date not null,
      version int not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    await q.query(`create table registry.memberships (
      id bigserial primary key,
      family_id uuid not null references registry.families(id),
      person_id uuid not null references registry.persons(id),
      relationship smallint not null check (relationship between 1 and 11),
      position smallint not null default 0,
      valid_from timestamptz not null,
      valid_to timestamptz
    )`);
    await q.query('create unique index memberships_active_person on registry.memberships (person_id) where valid_to is null');
    await q.query('create index memberships_active_family on registry.memberships (family_id) where valid_to is null');
    await q.query(`create table registry.family_history (
      id bigserial primary key,
      family_id uuid not null references registry.families(id),
      version int not null,
      cause jsonb not null,
      diff jsonb not null,
      after jsonb not null,
      recorded_at timestamptz not null,
      unique (family_id, version)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table registry.family_history, registry.memberships, registry.persons, registry.families, registry.inbox, registry.outbox');
  }
}
