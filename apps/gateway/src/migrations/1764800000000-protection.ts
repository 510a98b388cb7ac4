import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Encryption at rest in the gateway (docs/security.md "Encryption at rest"): the registry read model
 * finds families and persons by the blind indexes of KK and NIK, and keeps KK, NIKs and names sealed
 * apart from the rest of each state (`identity`); review tasks and merges keep their persons'
 * identifiers sealed the same way.
 *
 * The migration cannot encrypt (it has no keys): existing rows keep their values in clear (identity
 * null, the KK and NIK themselves in the index columns), and the gateway protects them at start,
 * before it takes work.
 */
export class Protection1764800000000 implements MigrationInterface {
  name = 'Protection1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table gateway.registry_families rename column kk to kk_index');
    await q.query('alter index gateway.registry_families_kk rename to registry_families_kk_index');
    await q.query('alter table gateway.registry_families add column identity text');
    await q.query('alter table gateway.registry_members rename column nik to nik_index');
    await q.query('alter index gateway.registry_members_nik rename to registry_members_nik_index');
    await q.query('alter table gateway.review_tasks add column identity text');
    await q.query('alter table gateway.merges add column identity text');
  }

  async down(): Promise<void> {
    throw new Error('encryption at rest cannot be undone by a migration: the values are encrypted');
  }
}
