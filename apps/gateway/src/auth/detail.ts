import { ApiError } from '@satupintu/platform';
import type { AuditService } from '../audit/audit.service';
import type { Caller } from './caller';
import { detailAllowed } from './policy';

/**
 * `?detail=true` on an aggregate: the counts without small-cell suppression, for a role granted
 * `aggregate:detail`, or for the indicator themes of the purpose the caller states and is granted
 * (`theme`; null for anything else), and written to the audit trail with that purpose
 * (docs/security.md "Small-cell suppression"). Answers whether the caller gets the detail; 400 for
 * another value, 403 without the grant.
 */
export async function unsuppressedFor(caller: Caller, detail: unknown, audit: AuditService, entry: { action: string; region: string; theme: string | null; detail: Record<string, unknown> }): Promise<boolean> {
  if (detail !== undefined && detail !== 'true' && detail !== 'false') throw new ApiError(400, 'INVALID_QUERY', 'detail must be true or false');
  if (detail !== 'true') return false;
  if (!detailAllowed(caller.principal.role, caller.purpose, entry.theme)) throw new ApiError(403, 'FORBIDDEN', 'neither your role nor the purpose you state is granted counts below the minimum cell size');
  await audit.write({ actor: caller.principal, action: entry.action, outcome: 'ok', status: 200, recordType: 'region', recordIds: [], region: entry.region, purpose: caller.purpose, ip: caller.ip, detail: entry.detail });
  return true;
}
