import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Least privilege in PostgreSQL (docs/security.md "Database roles"). Each service that keeps data
 * has two roles:
 * - its owner role (`satupintu_<service>_owner`) owns the service's schema and everything in it.
 *   Only migrations connect as it (`DATABASE_MIGRATION_URL`).
 * - its runtime role (`satupintu_<service>`) is what the running service connects as
 *   (`DATABASE_URL`): it may read and write the rows of its own schema's tables, nothing else. It
 *   cannot create, alter or drop anything (so it cannot disable a trigger), it cannot see another
 *   service's schema, and on append-only tables it may only insert and read.
 */
export interface ServiceDatabaseRoles {
  service: string;
  schema: string;
  runtime: string;
  owner: string;
  /** Tables of the schema whose rows the runtime role may insert and read, never change or delete. */
  appendOnly: string[];
  /**
   * Other schemas the owner role may read, for the service's ops commands that run as the owner
   * (aggregation's `reconcile` recounts the registry); the running service never can.
   */
  ownerReads: string[];
}

const rolesOf = (service: string, schema: string, more: { appendOnly?: string[]; ownerReads?: string[] } = {}): ServiceDatabaseRoles => ({
  service,
  schema,
  runtime: `satupintu_${service}`,
  owner: `satupintu_${service}_owner`,
  appendOnly: more.appendOnly ?? [],
  ownerReads: more.ownerReads ?? [],
});

/** Every service with a schema (the validation service keeps none). */
export const SERVICE_DATABASE_ROLES: readonly ServiceDatabaseRoles[] = [
  rolesOf('gateway', 'gateway', { appendOnly: ['audit_log', 'agency_grants'] }),
  rolesOf('dedup', 'registry'),
  rolesOf('aggregation', 'aggregation', { ownerReads: ['registry'] }),
  rolesOf('eligibility', 'eligibility'),
  rolesOf('subscriptions', 'subscriptions'),
];

export const databaseRolesOfSchema = (schema: string): ServiceDatabaseRoles | undefined => SERVICE_DATABASE_ROLES.find((r) => r.schema === schema);
export const databaseRolesOfService = (service: string): ServiceDatabaseRoles | undefined => SERVICE_DATABASE_ROLES.find((r) => r.service === service);

/** Anything that runs SQL: a pg Client, a TypeORM DataSource or QueryRunner. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return name;
};
const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/**
 * Creates each service's two roles (or sets their passwords), and in the connected database each
 * schema owned by its owner role; objects made before (an upgraded deployment, where everything
 * belonged to one role) are handed to the owner. Run as a superuser. Idempotent.
 */
export async function provisionDatabaseRoles(db: Queryable, passwordOf: (role: string) => string): Promise<void> {
  for (const r of SERVICE_DATABASE_ROLES) {
    for (const role of [r.owner, r.runtime]) {
      // Roles belong to the cluster: another process may be creating the same one at this moment.
      await db.query(`do $$ begin create role ${ident(role)}; exception when duplicate_object or unique_violation then null; end $$`);
      await db.query(`alter role ${ident(role)} with login nosuperuser nocreatedb nocreaterole noinherit nobypassrls password ${literal(passwordOf(role))}`);
    }
    await db.query(`create schema if not exists ${ident(r.schema)} authorization ${ident(r.owner)}`);
    await db.query(`alter schema ${ident(r.schema)} owner to ${ident(r.owner)}`);
    await db.query(`revoke all on schema ${ident(r.schema)} from public`);
    await db.query(`do $$
      declare o record;
      begin
        for o in select c.oid::regclass::text as name, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname = ${literal(r.schema)} and c.relkind in ('r', 'p', 'v', 'm', 'f') and pg_get_userbyid(c.relowner) <> ${literal(r.owner)} loop
          execute format('alter %s %s owner to %I', case o.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' else 'table' end, o.name, ${literal(r.owner)});
        end loop;
        for o in select c.oid::regclass::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname = ${literal(r.schema)} and c.relkind = 'S' and pg_get_userbyid(c.relowner) <> ${literal(r.owner)}
                   and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')) loop
          execute format('alter sequence %s owner to %I', o.name, ${literal(r.owner)});
        end loop;
        for o in select p.oid::regprocedure::text as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where n.nspname = ${literal(r.schema)} and pg_get_userbyid(p.proowner) <> ${literal(r.owner)} loop
          execute format('alter routine %s owner to %I', o.name, ${literal(r.owner)});
        end loop;
      end $$`);
  }
  // Read access for ops commands that run as an owner: the tables there now and those its migrations make later.
  for (const r of SERVICE_DATABASE_ROLES) {
    for (const schema of r.ownerReads) {
      const source = databaseRolesOfSchema(schema)!;
      await db.query(`grant usage on schema ${ident(schema)} to ${ident(r.owner)}`);
      await db.query(`grant select on all tables in schema ${ident(schema)} to ${ident(r.owner)}`);
      await db.query(`alter default privileges for role ${ident(source.owner)} in schema ${ident(schema)} grant select on tables to ${ident(r.owner)}`);
    }
  }
}

/**
 * The runtime role's privileges on its schema, granted by the owner after every migration run (new
 * tables included): usage of the schema, rows of every table, the sequences; nothing on the
 * migrations table but reading it; insert and read only on the append-only tables.
 */
export async function grantRuntimePrivileges(db: Queryable, schema: string, runtimeRole: string, migrationsTable: string): Promise<void> {
  const s = ident(schema);
  const role = `"${runtimeRole.replace(/"/g, '""')}"`;
  await db.query(`grant usage on schema ${s} to ${role}`);
  await db.query(`grant select, insert, update, delete on all tables in schema ${s} to ${role}`);
  await db.query(`grant usage, select on all sequences in schema ${s} to ${role}`);
  await db.query(`revoke insert, update, delete, truncate on ${s}.${ident(migrationsTable)} from ${role}`);
  for (const table of databaseRolesOfSchema(schema)?.appendOnly ?? []) {
    await db.query(`revoke update, delete, truncate on ${s}.${ident(table)} from ${role}`);
  }
}

/**
 * The local stack's role passwords, one file per role in `dir` (mode 600), made on first use and
 * the same ever after: the services, the tests and the CLI on one machine all read them.
 */
export function localRolePasswords(dir: string): (role: string) => string {
  return (role) => {
    const file = join(dir, ident(role));
    try {
      const existing = readFileSync(file, 'utf8').trim();
      if (existing) return existing;
    } catch {
      // not made yet
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const password = randomBytes(24).toString('base64url');
    try {
      writeFileSync(file, password, { mode: 0o600, flag: 'wx' });
      return password;
    } catch {
      return readFileSync(file, 'utf8').trim(); // another process made it first
    }
  };
}

/**
 * The URLs a service connects with, built on `url`'s server and database: its runtime role
 * (DATABASE_URL) and its schema's owner for migrations (DATABASE_MIGRATION_URL); null for a
 * service that keeps no data.
 */
export function serviceDatabaseUrls(url: string, service: string, passwordOf: (role: string) => string): { DATABASE_URL: string; DATABASE_MIGRATION_URL: string } | null {
  const roles = databaseRolesOfService(service);
  if (!roles) return null;
  return { DATABASE_URL: urlAsRole(url, roles.runtime, passwordOf(roles.runtime)), DATABASE_MIGRATION_URL: urlAsRole(url, roles.owner, passwordOf(roles.owner)) };
}

/** `url` with the role and password of a service's role in place of its own. */
export function urlAsRole(url: string, role: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(role);
  u.password = encodeURIComponent(password);
  return u.toString();
}
