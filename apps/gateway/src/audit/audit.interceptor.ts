import { HttpException, Inject, Injectable, RequestMethod, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { catchError, from, mergeMap, throwError, type Observable } from 'rxjs';
import { AUDIT_KEY, type AuditSpec } from '../auth/access.decorators';
import { idOf, type CallerRequest } from '../auth/access.guard';
import { AuditService, type AuditEntry } from './audit.service';

/**
 * Leaves exactly one audit entry for each call of a route marked `@Audited`: who (the caller),
 * what (the action), which records (those the handler touched, or the id in the path), the outcome
 * and status, the purpose and the address. The response waits for the entry: if the entry cannot
 * be written, the call fails rather than leave no trace.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const spec = this.reflector.get<AuditSpec | undefined>(AUDIT_KEY, ctx.getHandler());
    const req = ctx.switchToHttp().getRequest<CallerRequest>();
    const caller = req.caller;
    if (!spec || !caller) return next.handle();
    const okStatus = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, ctx.getHandler())
      ?? (this.reflector.get<RequestMethod>(METHOD_METADATA, ctx.getHandler()) === RequestMethod.POST ? 201 : 200);
    const write = (status: number, outcome: AuditEntry['outcome']) =>
      this.audit.write({
        actor: caller.principal,
        action: spec.action,
        outcome,
        status,
        recordType: spec.recordType,
        recordIds: caller.recordIds.length > 0 ? caller.recordIds : idOf(req, spec),
        region: caller.region,
        purpose: caller.purpose,
        ip: caller.ip,
        detail: caller.detail,
      });
    return next.handle().pipe(
      mergeMap(async (value: unknown) => {
        await write(okStatus, 'ok');
        return value;
      }),
      catchError((err: unknown) => {
        const status = err instanceof HttpException ? err.getStatus() : 500;
        const outcome = status === 404 ? 'not-found' : status === 403 ? 'denied' : status < 500 ? 'invalid' : 'error';
        return from(write(status, outcome)).pipe(mergeMap(() => throwError(() => err)));
      }),
    );
  }
}
