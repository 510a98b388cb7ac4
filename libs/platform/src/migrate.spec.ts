import { databaseRolesOfSchema, databaseRolesOfService, SERVICE_DATABASE_ROLES, urlAsRole } from '@satupintu/persistence';
import { runtimeRoleOf } from './migrate';

describe('database roles of a service', () => {
  const base = 'postgres://postgres@127.0.0.1:55432/satupintu';

  it('grants the runtime role only when migrations connect as another role', () => {
    expect(runtimeRoleOf(base, base)).toBeUndefined();
    expect(runtimeRoleOf(urlAsRole(base, 'satupintu_dedup', 'pw'), urlAsRole(base, 'satupintu_dedup_owner', 'pw2'))).toBe('satupintu_dedup');
  });

  it('puts a role and a password with URL characters into a URL and keeps the rest', () => {
    const url = new URL(urlAsRole('postgres://postgres@db.example:5432/satupintu?sslmode=require', 'satupintu_gateway', 'a/b:c@d'));
    expect(decodeURIComponent(url.username)).toBe('satupintu_gateway');
    expect(decodeURIComponent(url.password)).toBe('a/b:c@d');
    expect(`${url.host}${url.pathname}${url.search}`).toBe('db.example:5432/satupintu?sslmode=require');
  });

  it('gives each schema one owner and one runtime role, distinct from every other', () => {
    const roles = SERVICE_DATABASE_ROLES.flatMap((r) => [r.owner, r.runtime]);
    expect(new Set(roles).size).toBe(roles.length);
    expect(new Set(SERVICE_DATABASE_ROLES.map((r) => r.schema)).size).toBe(SERVICE_DATABASE_ROLES.length);
    expect(databaseRolesOfSchema('registry')?.service).toBe('dedup');
    expect(databaseRolesOfService('validation')).toBeUndefined();
    expect(databaseRolesOfService('gateway')?.appendOnly).toEqual(['audit_log', 'agency_grants']);
  });
});
