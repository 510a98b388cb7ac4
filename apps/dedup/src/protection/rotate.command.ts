import { createDataSource } from '@satupintu/persistence';
import { migrateService, type BaseConfig } from '@satupintu/platform';
import type { Protector } from '@satupintu/protection';
import { DEDUP } from '../config/service';
import { rotateRegistry, type TableRotation } from './registry-rotation';

/**
 * `node dist/apps/dedup/src/main.js rotate [--dry-run]`: writes every protected value of the registry
 * that is under a retired master key (or still in clear) again under the active one, beside the
 * running service. Roll the new keyring out to the services first, then rotate, then retire the old key.
 */
export async function rotateCommand(config: BaseConfig, protector: Protector, args: string[]): Promise<{ activeKey: string | null; dryRun: boolean; tables: TableRotation[]; seconds: number }> {
  if (!protector.encrypts) throw new Error('PROTECTION=off: there is no key to rotate to');
  const dryRun = args.includes('--dry-run');
  await migrateService(DEDUP, config, 'dedup-rotate-migrate');
  const db = createDataSource({ url: config.DATABASE_URL, schema: 'registry', applicationName: 'dedup-rotate', migrations: DEDUP.migrations ?? [] });
  await db.initialize();
  const started = Date.now();
  try {
    const tables = await rotateRegistry(db, protector, { dryRun, onProgress: (t) => process.stderr.write(`\r${t.table}: ${t.scanned} scanned, ${t.due} due`) });
    process.stderr.write('\n');
    return { activeKey: protector.activeKeyId(), dryRun, tables, seconds: Math.round((Date.now() - started) / 100) / 10 };
  } finally {
    await db.destroy();
  }
}
