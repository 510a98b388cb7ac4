import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The gateway's read models of duplicate review: every review task's latest state, and merges. */
export class Review1764200000000 implements MigrationInterface {
  name = 'Review1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table gateway.review_tasks (
      task_id uuid primary key,
      revision int not null,
      status text not null,
      village_code text not null,
      opened_at timestamptz not null,
      task jsonb not null,
      decision_requested_at timestamptz
    )`);
    await q.query('create index review_tasks_open_village on gateway.review_tasks (village_code text_pattern_ops, opened_at) where status = \'open\'');
    await q.query(`create table gateway.merges (
      merge_id uuid primary key,
      survivor_id uuid not null,
      merged_id uuid not null,
      merged_at timestamptz not null,
      unmerged_at timestamptz,
      unmerge_requested_at timestamptz,
      merge jsonb not null
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table gateway.merges, gateway.review_tasks');
  }
}
