import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Import jobs of agencies' lists: the job (who, which list, which file by its hash, how it is read,
 * where it stands), the uploaded file itself until the job is done (in chunks, so that any gateway
 * instance can take the job over), and one outcome per row of the file (the report).
 */
export class Imports1764600000000 implements MigrationInterface {
  name = 'Imports1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table gateway.import_jobs (
      id uuid primary key,
      principal_id uuid not null,
      source text not null,
      file_name text,
      file_sha256 text not null,
      file_bytes bigint not null,
      dry_run boolean not null,
      options jsonb not null,
      table_info jsonb not null,
      state text not null check (state in ('queued', 'running', 'done', 'failed')),
      position int not null default 0,
      rows_total int,
      families_total int,
      error jsonb,
      lease_owner text,
      lease_until timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      finished_at timestamptz,
      unique (principal_id, source, file_sha256, dry_run)
    )`);
    await q.query(`create index import_jobs_open on gateway.import_jobs (created_at) where state in ('queued', 'running')`);
    await q.query(`create table gateway.import_files (
      job_id uuid not null references gateway.import_jobs(id) on delete cascade,
      chunk int not null,
      data bytea not null,
      primary key (job_id, chunk)
    )`);
    await q.query(`create table gateway.import_rows (
      job_id uuid not null references gateway.import_jobs(id) on delete cascade,
      row int not null,
      outcome text not null check (outcome in ('submitted', 'unchanged', 'refused', 'rejected-row', 'unreadable', 'would-submit', 'would-refuse')),
      record_id uuid,
      family_key text,
      member_index int,
      village_code text,
      findings jsonb not null default '[]',
      primary key (job_id, row)
    )`);
    await q.query(`create index import_rows_record on gateway.import_rows (record_id) where record_id is not null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table gateway.import_rows');
    await q.query('drop table gateway.import_files');
    await q.query('drop table gateway.import_jobs');
  }
}
