import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiError } from '@satupintu/platform';
import { uuidOr404 } from '../http/params';
import { AuditService } from '../audit/audit.service';
import { CurrentCaller, Requires } from './access.decorators';
import type { Caller } from './caller';
import { PrincipalsService } from './principals.service';

const KEY_ID = /^[0-9a-f]{16}$/;
const keyIdOr404 = (id: string) => {
  if (!KEY_ID.test(id)) throw new ApiError(404, 'KEY_NOT_FOUND', 'no API key has this id');
  return id;
};

/** Administration: principals, their API keys and tokens, and the audit trail. Admins only. */
@Controller('v1/admin')
export class AdminController {
  constructor(
    @Inject(PrincipalsService) private readonly principals: PrincipalsService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  @Post('principals')
  @Requires('principal:manage')
  create(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.principals.create(body, caller);
  }

  @Get('principals')
  @Requires('principal:manage')
  list(@Query('after') after?: unknown) {
    if (after !== undefined && (typeof after !== 'string' || after.length > 64)) throw new ApiError(400, 'INVALID_QUERY', 'after must be the `next` of a previous page');
    return this.principals.list(after ?? null);
  }

  @Get('principals/:id')
  @Requires('principal:manage')
  get(@Param('id') id: string) {
    return this.principals.get(uuidOr404(id, 'PRINCIPAL_NOT_FOUND', 'no principal has this id'));
  }

  @Patch('principals/:id')
  @Requires('principal:manage')
  update(@Param('id') id: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.principals.update(uuidOr404(id, 'PRINCIPAL_NOT_FOUND', 'no principal has this id'), body, caller);
  }

  @Post('principals/:id/api-keys')
  @Requires('principal:manage')
  createKey(@Param('id') id: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.principals.createKey(uuidOr404(id, 'PRINCIPAL_NOT_FOUND', 'no principal has this id'), body, caller);
  }

  @Post('principals/:id/tokens')
  @Requires('principal:manage')
  issueToken(@Param('id') id: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.principals.issueToken(uuidOr404(id, 'PRINCIPAL_NOT_FOUND', 'no principal has this id'), body, caller);
  }

  @Post('principals/:id/tokens/revoke')
  @HttpCode(200)
  @Requires('principal:manage')
  revokeTokens(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    return this.principals.revokeTokens(uuidOr404(id, 'PRINCIPAL_NOT_FOUND', 'no principal has this id'), caller);
  }

  @Post('api-keys/:keyId/revoke')
  @HttpCode(200)
  @Requires('principal:manage')
  revokeKey(@Param('keyId') keyId: string, @CurrentCaller() caller: Caller) {
    return this.principals.revokeKey(keyIdOr404(keyId), caller);
  }

  @Post('api-keys/:keyId/rotate')
  @Requires('principal:manage')
  rotateKey(@Param('keyId') keyId: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.principals.rotateKey(keyIdOr404(keyId), body, caller);
  }

  @Get('audit')
  @Requires('audit:read')
  auditTrail(@Query() query: Record<string, unknown>) {
    return this.audit.query(query);
  }

  @Get('audit/verify')
  @Requires('audit:read')
  verify() {
    return this.audit.verify();
  }
}

/** Who the caller is: its principal (role, regions, purposes), for apps and the dashboard. */
@Controller('v1/me')
export class MeController {
  @Get()
  @Requires('self:read')
  me(@CurrentCaller() caller: Caller) {
    return { ...caller.principal, purpose: caller.purpose, via: caller.via };
  }
}
