import { createDataSource } from '@satupintu/persistence';
import type { Logger } from '@satupintu/observability';
import type { Protector, TableRotation } from '@satupintu/protection';
import type { DataSource } from 'typeorm';
import type { BaseConfig } from './config';
import { migrateService } from './migrate';
import type { ServiceDescriptor } from './service-descriptor';

export interface RotationReport {
  service: string;
  activeKey: string | null;
  dryRun: boolean;
  tables: TableRotation[];
  seconds: number;
}

/**
 * `node dist/apps/<service>/src/main.js rotate [--dry-run]`: writes every protected value of the
 * service's schema that is under a retired master key (or still in clear) again under the active
 * one, beside the running service (docs/security.md "Encryption at rest"). Roll the new keyring out
 * to the service first, then rotate, then retire the old key once a run finds nothing due.
 */
export async function rotateCommand(
  service: ServiceDescriptor,
  config: BaseConfig,
  protector: Protector,
  args: string[],
  rotate: (db: DataSource, p: Protector, options: { dryRun: boolean; onProgress: (t: TableRotation) => void }) => Promise<TableRotation[]>,
): Promise<RotationReport> {
  if (!protector.encrypts) throw new Error('PROTECTION=off: there is no key to rotate to');
  const dryRun = args.includes('--dry-run');
  await migrateService(service, config, `${service.name}-rotate-migrate`);
  const db = createDataSource({ url: config.DATABASE_URL, schema: service.schema!, applicationName: `${service.name}-rotate`, migrations: service.migrations ?? [] });
  await db.initialize();
  const started = Date.now();
  try {
    const tables = await rotate(db, protector, { dryRun, onProgress: (t) => process.stderr.write(`\r${t.table}: ${t.scanned} scanned, ${t.due} due`) });
    process.stderr.write('\n');
    return { service: service.name, activeKey: protector.activeKeyId(), dryRun, tables, seconds: Math.round((Date.now() - started) / 100) / 10 };
  } finally {
    await db.destroy();
  }
}

/**
 * Before a service takes work: values it stored before encryption at rest was turned on (moved over
 * in clear by its migration) are protected, so look-ups by blind index find every row. `inClear` is
 * a SQL condition that is true while any such value is left.
 */
export async function protectValuesInClear(
  db: DataSource,
  protector: Protector,
  logger: Logger,
  inClear: string,
  rotate: (db: DataSource, p: Protector) => Promise<TableRotation[]>,
): Promise<void> {
  if (!protector.encrypts) return;
  const [{ clear }]: Array<{ clear: boolean }> = await db.query(`select (${inClear}) as clear`);
  if (!clear) return;
  logger.warn('values stored before encryption at rest was turned on: protecting them before taking work');
  const tables = await rotate(db, protector);
  logger.info({ tables }, 'values protected');
}
