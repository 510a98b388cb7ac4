import type { Protector } from '@satupintu/protection';
import type { Logger } from '@satupintu/observability';
import type { DataSource } from 'typeorm';
import { registryHasValuesInClear, rotateRegistry } from './registry-rotation';

/**
 * Before the first batch: if the registry still holds values in clear (written before encryption at
 * rest was turned on, moved over by the migration), protects them first, so a look-up by blind
 * index finds every row. Instances that start together share the work safely (compare and set).
 */
export class RegistryProtection {
  private done: Promise<void> | null = null;

  constructor(
    private readonly protector: Protector,
    private readonly logger: Logger,
  ) {}

  ready(db: DataSource): Promise<void> {
    if (!this.protector.encrypts) return Promise.resolve();
    this.done ??= this.protectValuesInClear(db).catch((err) => {
      this.done = null; // tried again with the next batch
      throw err;
    });
    return this.done;
  }

  private async protectValuesInClear(db: DataSource): Promise<void> {
    if (!(await registryHasValuesInClear(db))) return;
    this.logger.warn('the registry holds values in clear (written before encryption at rest); protecting them before taking work');
    const tables = await rotateRegistry(db, this.protector);
    this.logger.info({ tables }, 'registry values protected');
  }
}
