import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError, PUBLIC_ROUTE } from '@satupintu/platform';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service';
import { UUID } from '../http/params';
import { AUDIT_KEY, PERMISSION_KEY, type AuditSpec } from './access.decorators';
import { Caller } from './caller';
import { allows, PURPOSES, type Permission, type Purpose } from './policy';
import { PrincipalsService } from './principals.service';
import { RateLimits } from './rate-limits';

export type CallerRequest = Request & { caller?: Caller };

/** Sets Retry-After and refuses with 429 RATE_LIMITED. */
export function rateLimited(res: Response, retryAfterSeconds: number): ApiError {
  res.setHeader('retry-after', String(retryAfterSeconds));
  return new ApiError(429, 'RATE_LIMITED', 'too many requests; try again later', { retryAfterSeconds });
}

/**
 * Every HTTP request passes here. Public routes go through; every other one needs a valid API key
 * or token (`Authorization: Bearer ...`), within its principal's rate limit, whose role holds the
 * route's permission, for a purpose the principal is granted. Routes that declare no permission
 * are refused to everyone (fail closed). A refusal on a route that handles personal data is
 * itself audited.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(PrincipalsService) private readonly principals: PrincipalsService,
    @Inject(RateLimits) private readonly limits: RateLimits,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = ctx.switchToHttp().getRequest<CallerRequest>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const ip = req.ip ?? 'unknown';

    const blockedFor = await this.limits.blocked('auth-failure', ip);
    if (blockedFor > 0) throw rateLimited(res, blockedFor);
    const credential = bearer(req.header('authorization'));
    if (!credential) {
      res.setHeader('www-authenticate', 'Bearer realm="satupintu"');
      throw new ApiError(401, 'UNAUTHENTICATED', 'send an API key or a token as "Authorization: Bearer <credential>"');
    }
    const auth = await this.principals.authenticate(credential);
    if (!auth) {
      await this.limits.consume('auth-failure', ip);
      res.setHeader('www-authenticate', 'Bearer realm="satupintu", error="invalid_token"');
      throw new ApiError(401, 'INVALID_CREDENTIALS', 'the API key or token is not valid (unknown, expired, revoked or disabled)');
    }
    const verdict = await this.limits.consume('principal', auth.principal.id);
    if (!verdict.allowed) throw rateLimited(res, verdict.retryAfterSeconds);

    const stated = req.header('x-purpose');
    if (stated !== undefined && !(auth.principal.purposes as string[]).includes(stated)) {
      const known = (PURPOSES as readonly string[]).includes(stated);
      throw new ApiError(403, 'PURPOSE_NOT_ALLOWED', known ? 'you are not granted this purpose' : `X-Purpose must be one of your purposes: ${auth.principal.purposes.join(', ')}`);
    }
    const caller = new Caller(auth.principal, (stated as Purpose | undefined) ?? auth.principal.purposes[0], ip, auth.via);
    req.caller = caller;

    const permission = this.reflector.get<Permission | undefined>(PERMISSION_KEY, ctx.getHandler());
    if (!permission || !allows(auth.principal.role, permission)) {
      const spec = this.reflector.get<AuditSpec | undefined>(AUDIT_KEY, ctx.getHandler());
      if (spec) {
        await this.audit.write({ actor: caller.principal, action: spec.action, outcome: 'denied', status: 403, recordType: spec.recordType, recordIds: idOf(req, spec), purpose: caller.purpose, ip });
      }
      throw new ApiError(403, 'FORBIDDEN', `the ${auth.principal.role} role may not do this`);
    }
    return true;
  }
}

function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(header.trim());
  return m ? m[1] : null;
}

/** The record id in the route's path, when it is one (for the audit entry of a refused or failed call). */
export function idOf(req: Request, spec: AuditSpec): string[] {
  const v = (req.params as Record<string, unknown> | undefined)?.[spec.idParam ?? 'id'];
  return typeof v === 'string' && UUID.test(v) ? [v.toLowerCase()] : [];
}
