import { SERVICE_DATABASE_ROLES, urlAsRole } from '@satupintu/persistence';
import { authFetch, eventually, family, rolePasswords, SERVERS, submit, TestStack } from '@satupintu/testing';
import { Client } from 'pg';

/**
 * Least privilege in PostgreSQL (docs/security.md "Database roles"), on the real server: every
 * service runs as its own role and its migrations as its schema's owner. The test connects as each
 * role and shows what it cannot do; the pipeline working end to end shows what each can.
 */
describe('database roles', () => {
  const stack = new TestStack('db-roles');
  let gateway: string;
  const clients: Client[] = [];

  /** A connection as one of the services' roles. */
  const connectAs = async (role: string, password = rolePasswords(role)): Promise<Client> => {
    const c = new Client({ connectionString: urlAsRole(stack.databaseUrl, role, password) });
    await c.connect();
    clients.push(c);
    return c;
  };
  /** The SQLSTATE a statement fails with ('' when it succeeds). */
  const sqlState = async (c: Client, sql: string): Promise<string> => {
    try {
      await c.query(sql);
      return '';
    } catch (err) {
      return (err as { code?: string }).code ?? 'no code';
    }
  };
  const INSUFFICIENT_PRIVILEGE = '42501';

  beforeAll(async () => {
    await stack.setUp();
    gateway = (await stack.start('gateway')).url;
    await Promise.all([stack.start('validation'), stack.start('dedup'), stack.start('aggregation'), stack.start('eligibility'), stack.start('subscriptions')]);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await stack.tearDown();
  });

  it('runs the pipeline end to end with each service as its own role, and every schema belongs to its owner role', async () => {
    const records = [{ idempotencyKey: 'roles-1', family: family({ village: '31.71.01.1001' }) }];
    const res = await submit(gateway, records);
    expect(res.status).toBe(202);
    await eventually(async () => Number((await stack.db.query('select count(*)::int as n from registry.families')).rows[0].n) === 1, 60_000);
    await eventually(async () => Number((await stack.db.query('select count(*)::int as n from eligibility.families')).rows[0].n) === 1, 60_000);
    await eventually(async () => Number((await stack.db.query('select count(*)::int as n from aggregation.families')).rows[0].n) === 1, 60_000);
    // The gateway read its own read model of the registry, as its role.
    const counts = await authFetch(`${gateway}/v1/regions/31.71/counts`);
    expect(counts.status).toBe(200);

    const owners = await stack.db.query(
      `select n.nspname as schema, pg_get_userbyid(n.nspowner) as owner,
              (select count(*)::int from pg_class c where c.relnamespace = n.oid and c.relkind in ('r', 'p', 'S', 'v') and pg_get_userbyid(c.relowner) <> pg_get_userbyid(n.nspowner)) as foreign_objects
         from pg_namespace n where n.nspname = any($1)`,
      [SERVICE_DATABASE_ROLES.map((r) => r.schema)],
    );
    expect(owners.rows).toHaveLength(SERVICE_DATABASE_ROLES.length);
    for (const r of SERVICE_DATABASE_ROLES) {
      expect(owners.rows.find((o) => o.schema === r.schema)).toEqual({ schema: r.schema, owner: r.owner, foreign_objects: 0 });
    }
    // The services' connections are their runtime roles, none the superuser's or an owner's.
    const sessions = await stack.db.query(`select distinct usename from pg_stat_activity where datname = current_database() and usename like 'satupintu_%'`);
    expect(sessions.rows.map((s) => s.usename).sort()).toEqual(SERVICE_DATABASE_ROLES.map((r) => r.runtime).sort());
  });

  it.each(SERVICE_DATABASE_ROLES.map((r) => [r.service, r] as const))('%s: reads and writes its own rows, and cannot create, alter or drop anything, nor see another schema', async (_service, r) => {
    const c = await connectAs(r.runtime);
    // What it may: its own inbox's rows.
    expect(await sqlState(c, `select count(*) from ${r.schema}.inbox`)).toBe('');
    // What it may not, each refused for want of privilege.
    expect(await sqlState(c, `create table ${r.schema}.intruder (x int)`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, `alter table ${r.schema}.inbox add column intruder int`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, `drop table ${r.schema}.outbox`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, `truncate ${r.schema}.inbox`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, `alter table ${r.schema}.inbox disable trigger all`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, `delete from ${r.schema}.${r.schema}_migrations`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, 'create schema intruder')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, 'create table public.intruder (x int)')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, 'create role intruder')).toBe(INSUFFICIENT_PRIVILEGE);
    for (const other of SERVICE_DATABASE_ROLES.filter((o) => o.schema !== r.schema)) {
      expect(await sqlState(c, `select count(*) from ${other.schema}.outbox`)).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await sqlState(c, `insert into ${other.schema}.inbox (event_id, topic) values (gen_random_uuid(), 'x')`)).toBe(INSUFFICIENT_PRIVILEGE);
    }
    // Nor may it become its schema's owner.
    expect(await sqlState(c, `set role ${r.owner}`)).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it("the gateway's role cannot change, delete, truncate or unprotect the audit trail and the grants' history", async () => {
    const c = await connectAs('satupintu_gateway');
    const audited = Number((await stack.db.query('select count(*)::int as n from gateway.audit_log')).rows[0].n);
    expect(audited).toBeGreaterThan(0);
    expect(await sqlState(c, 'select count(*) from gateway.audit_log')).toBe('');
    for (const table of ['audit_log', 'agency_grants']) {
      expect(await sqlState(c, `update gateway.${table} set purpose = null`)).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await sqlState(c, `delete from gateway.${table}`)).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await sqlState(c, `truncate gateway.${table}`)).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await sqlState(c, `alter table gateway.${table} disable trigger all`)).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await sqlState(c, `alter table gateway.${table} owner to satupintu_gateway`)).toBe(INSUFFICIENT_PRIVILEGE);
    }
    expect(await sqlState(c, 'drop trigger audit_no_change on gateway.audit_log')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, 'create or replace function gateway.audit_append_only() returns trigger language plpgsql as $$ begin return old; end $$')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(Number((await stack.db.query('select count(*)::int as n from gateway.audit_log')).rows[0].n)).toBeGreaterThanOrEqual(audited);
  });

  it("an owner role owns its schema only: it cannot read another service's data but what an ops command of its needs", async () => {
    const c = await connectAs('satupintu_gateway_owner');
    expect(await sqlState(c, 'select count(*) from gateway.audit_log')).toBe('');
    expect(await sqlState(c, 'select count(*) from registry.persons')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, 'create role intruder')).toBe(INSUFFICIENT_PRIVILEGE);
    // The one exception: aggregation's owner reads the registry for its reconcile command, and may not change it.
    const reconciler = await connectAs('satupintu_aggregation_owner');
    expect(await sqlState(reconciler, 'select count(*) from registry.families')).toBe('');
    expect(await sqlState(reconciler, 'delete from registry.families')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(reconciler, 'select count(*) from gateway.audit_log')).toBe(INSUFFICIENT_PRIVILEGE);
  });

  const localServer = !process.env.DATABASE_URL && SERVERS.databaseUrl.includes('@127.0.0.1:55432/');
  (localServer ? it : it.skip)("a service's role needs its password on the local server (SCRAM; tools/stack/infra.sh)", async () => {
    await expect(connectAs('satupintu_dedup', 'not-the-password')).rejects.toMatchObject({ code: '28P01' });
  });
});
