import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxAndInboxDdl } from '@satupintu/persistence';

export class Initial1763800000000 implements MigrationInterface {
  name = 'Initial1763800000000';

  async up(q: QueryRunner): Promise<void> {
    for (const ddl of outboxAndInboxDdl('eligibility')) await q.query(ddl);
    await q.query(`create table eligibility.decisions (
      person_id uuid not null,
      programme_id text not null,
      family_id uuid not null,
      programme_version int not null,
      eligible boolean not null,
      failed jsonb not null,
      criteria jsonb not null,
      evaluated_on date not null,
      updated_at timestamptz not null,
      primary key (person_id, programme_id)
    )`);
    await q.query('create index decisions_family on eligibility.decisions (family_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table eligibility.decisions, eligibility.inbox, eligibility.outbox');
  }
}
