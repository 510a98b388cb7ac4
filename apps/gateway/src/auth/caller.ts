import { ApiError } from '@satupintu/platform';
import { inScope, NATION, type Purpose, type Role } from './policy';

/**
 * A region scope in SQL: `column` (a village code) lies under one of the regions in the text[]
 * parameter `param` (`Caller.scopeRegions()`; null: everywhere).
 */
export const SCOPE_SQL = (column: string, param: string) =>
  `(${param}::text[] is null or exists (select 1 from unnest(${param}::text[]) scope_region where ${column} = scope_region or ${column} like scope_region || '.%'))`;

/** Who may call the API: a system (agency, partner) or a user (cadre, staff), with role and scope. */
export interface Principal {
  id: string;
  kind: 'system' | 'user';
  label: string;
  role: Role;
  regions: string[];
  purposes: Purpose[];
  agency: string | null;
}

/**
 * The authenticated caller of one request: the principal, the purpose it stated, where it called
 * from, and the records the handler touched (for the audit entry the request leaves).
 */
export class Caller {
  recordIds: string[] = [];
  region: string | null = null;
  detail: Record<string, unknown> = {};

  constructor(
    readonly principal: Principal,
    readonly purpose: Purpose,
    readonly ip: string,
    readonly via: 'api-key' | 'token',
  ) {}

  /** Whether a region (any level, or ID) lies in the caller's scope. */
  covers(code: string): boolean {
    return inScope(this.principal.regions, code);
  }

  /** Aggregates of a region outside the scope are refused (region codes are public; numbers are not). */
  assertRegion(code: string): void {
    if (!this.covers(code)) throw new ApiError(403, 'OUT_OF_SCOPE', 'this region lies outside the regions you are assigned');
  }

  /**
   * A record in a region outside the scope is answered as if it did not exist (404), so nobody
   * learns that a NIK, KK or id is registered elsewhere.
   */
  assertVisible(villageCode: string | null, notFound: ApiError): void {
    if (villageCode === null || !this.covers(villageCode)) throw notFound;
  }

  /** The scope as region prefixes for queries; null for the whole country. */
  scopeRegions(): string[] | null {
    return this.principal.regions.includes(NATION) ? null : this.principal.regions;
  }

  /** Records the ids (never NIK, KK or names) a request read or wrote, for its audit entry. */
  touched(ids: Iterable<string>, region?: string | null): void {
    for (const id of ids) this.recordIds.push(id);
    if (region !== undefined) this.region = region;
  }
}
