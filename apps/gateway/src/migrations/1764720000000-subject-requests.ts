import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data-subject requests that change something (UU 27/2022, the right to correction): who asked for
 * which person, why, and the submission that carries the corrected record through the normal path
 * (its provenance names the request). Kept like the registry's history: never updated but for the
 * submission it led to.
 */
export class SubjectRequests1764720000000 implements MigrationInterface {
  name = 'SubjectRequests1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table gateway.subject_requests (
      id uuid primary key,
      kind text not null check (kind in ('correction')),
      person_id uuid not null,
      family_id uuid not null,
      requested_by uuid not null references gateway.principals(id),
      reason text not null,
      record_id uuid,
      created_at timestamptz not null default now()
    )`);
    await q.query('create index subject_requests_person on gateway.subject_requests (person_id, created_at)');
    await q.query('create index subject_requests_record on gateway.subject_requests (record_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table gateway.subject_requests');
  }
}
