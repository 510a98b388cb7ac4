import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Caller } from './caller';
import type { Permission } from './policy';

export const PERMISSION_KEY = 'access:permission';
export const AUDIT_KEY = 'access:audit';

/** The permission a route needs (every route is either `@Public()`, from @satupintu/platform, or `@Requires`); routes without one (and not public) are refused to everybody. */
export const Requires = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);

export interface AuditSpec { action: string; recordType: string; idParam?: string }

/** The route reads or writes personal data: each call leaves exactly one audit entry. */
export const Audited = (action: string, recordType: string, idParam = 'id') => SetMetadata(AUDIT_KEY, { action, recordType, idParam } satisfies AuditSpec);

/** The authenticated caller of the request (set by the access guard). */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => ctx.switchToHttp().getRequest<{ caller: Caller }>().caller);
