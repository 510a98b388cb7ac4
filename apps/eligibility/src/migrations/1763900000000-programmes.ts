import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Decisions of family-level programmes: the subject is a person or a family. */
export class Programmes1763900000000 implements MigrationInterface {
  name = 'Programmes1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table eligibility.decisions rename column person_id to subject_id');
    await q.query(`alter table eligibility.decisions add column target_unit text not null default 'person' check (target_unit in ('person', 'family'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table eligibility.decisions drop column target_unit');
    await q.query('alter table eligibility.decisions rename column subject_id to person_id');
  }
}
