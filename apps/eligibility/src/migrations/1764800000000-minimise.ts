import { dropDirectIdentifiersSql } from '@satupintu/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Data minimisation: the states this service keeps lose their KK, NIKs and names, which it never reads (docs/security.md). */
export class Minimise1764800000000 implements MigrationInterface {
  name = 'Minimise1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(dropDirectIdentifiersSql('eligibility'));
  }

  async down(): Promise<void> {
    // Nothing to restore: the identifiers are in the registry.
  }
}
