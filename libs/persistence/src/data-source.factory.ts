import { DataSource, type MigrationInterface } from 'typeorm';
import { grantRuntimePrivileges } from './roles';

export interface DataSourceOptions {
  url: string;
  /** The PostgreSQL schema this service owns; its migrations table lives there too. */
  schema: string;
  applicationName: string;
  migrations: Array<new () => MigrationInterface>;
  poolSize?: number;
}

/** One TypeORM DataSource per service schema. Schema changes only through migrations. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    applicationName: options.applicationName,
    migrations: options.migrations,
    migrationsTableName: `${options.schema}_migrations`,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 5_000 },
  });
}

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so that several instances
 * starting at once apply each migration exactly once. With `runtimeRole` (the migrations connect as
 * the schema's owner, the service as another role), the owner then grants that role its rows.
 */
export async function runMigrations(dataSource: DataSource, schema: string, options: { runtimeRole?: string } = {}): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('select pg_advisory_lock(hashtext($1))', [`migrations:${schema}`]);
    // A provisioned database has the schema already, owned by a role that may create nothing else.
    const exists = (await runner.query('select 1 from pg_namespace where nspname = $1', [schema])) as unknown[];
    if (exists.length === 0) await runner.query(`create schema "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (options.runtimeRole) await grantRuntimePrivileges(runner, schema, options.runtimeRole, `${schema}_migrations`);
    return applied.map((m) => m.name);
  } finally {
    await runner.query('select pg_advisory_unlock(hashtext($1))', [`migrations:${schema}`]).catch(() => undefined);
    await runner.release();
  }
}

/** The rows of an UPDATE ... RETURNING (TypeORM's PostgreSQL driver answers [rows, count] for it). */
export const returnedRows = <T>(result: unknown): T[] => (Array.isArray((result as unknown[])[0]) ? (result as T[][])[0] : (result as T[]));
