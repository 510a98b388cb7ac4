import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Keeps what submissions record beyond identity: person and family attributes (JSON, golden values). */
export class Attributes1763900000000 implements MigrationInterface {
  name = 'Attributes1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table registry.persons add column attributes jsonb not null default '{}'::jsonb`);
    await q.query(`alter table registry.families add column attributes jsonb not null default '{}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table registry.persons drop column attributes');
    await q.query('alter table registry.families drop column attributes');
  }
}
