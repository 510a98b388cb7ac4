import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxAndInboxDdl } from '@satupintu/persistence';

export class Initial1763800000000 implements MigrationInterface {
  name = 'Initial1763800000000';

  async up(q: QueryRunner): Promise<void> {
    for (const ddl of outboxAndInboxDdl('aggregation')) await q.query(ddl);
    await q.query(`create table aggregation.region_counts (
      region_code text primary key,
      level text not null,
      parent_code text,
      families int not null check (families >= 0),
      persons int not null check (persons >= 0),
      seq bigint not null,
      updated_at timestamptz not null
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table aggregation.region_counts, aggregation.inbox, aggregation.outbox');
  }
}
