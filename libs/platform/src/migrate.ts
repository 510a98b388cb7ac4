import { createDataSource, runMigrations } from '@satupintu/persistence';
import type { BaseConfig } from './config';
import type { ServiceDescriptor } from './service-descriptor';

/**
 * Applies the service's pending migrations as the schema's owner (DATABASE_MIGRATION_URL, else
 * DATABASE_URL), then has the owner grant the service's own role (DATABASE_URL's user, when it is
 * another role) its rows. Returns the migrations applied.
 */
export async function migrateService(service: ServiceDescriptor, config: Pick<BaseConfig, 'DATABASE_URL' | 'DATABASE_MIGRATION_URL'>, applicationName: string): Promise<string[]> {
  if (!service.schema) return [];
  const ownerUrl = config.DATABASE_MIGRATION_URL ?? config.DATABASE_URL;
  const ds = createDataSource({ url: ownerUrl, schema: service.schema, applicationName, migrations: service.migrations ?? [], poolSize: 2 }); // the advisory lock's connection and the migrations' own
  await ds.initialize();
  try {
    return await runMigrations(ds, service.schema, { runtimeRole: runtimeRoleOf(config.DATABASE_URL, ownerUrl) });
  } finally {
    await ds.destroy();
  }
}

/** The service's role when it differs from the migrations' one. */
export function runtimeRoleOf(runtimeUrl: string, ownerUrl: string): string | undefined {
  const user = (url: string) => decodeURIComponent(new URL(url).username);
  return user(runtimeUrl) !== user(ownerUrl) ? user(runtimeUrl) : undefined;
}
