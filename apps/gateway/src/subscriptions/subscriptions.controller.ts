import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiError } from '@satupintu/platform';
import { CurrentCaller, Requires } from '../auth/access.decorators';
import type { Caller } from '../auth/caller';
import { GrantsService } from './grants.service';

/** Agency grants and webhook delivery (admins), and an agency's view of its own subscription. */
@Controller()
export class SubscriptionsController {
  constructor(@Inject(GrantsService) private readonly grants: GrantsService) {}

  @Get('v1/admin/agencies')
  @Requires('subscription:manage')
  list() {
    return this.grants.list();
  }

  @Get('v1/admin/agencies/:agencyId/grant')
  @Requires('subscription:manage')
  current(@Param('agencyId') agencyId: string) {
    return this.grants.current(this.grants.agencyIdOr404(agencyId));
  }

  @Get('v1/admin/agencies/:agencyId/grant/versions')
  @Requires('subscription:manage')
  versions(@Param('agencyId') agencyId: string) {
    return this.grants.versions(this.grants.agencyIdOr404(agencyId));
  }

  @Put('v1/admin/agencies/:agencyId/grant')
  @Requires('subscription:manage')
  put(@Param('agencyId') agencyId: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.grants.put(this.grants.agencyIdOr404(agencyId), body, caller);
  }

  @Delete('v1/admin/agencies/:agencyId/grant')
  @Requires('subscription:manage')
  revoke(@Param('agencyId') agencyId: string, @CurrentCaller() caller: Caller) {
    return this.grants.revoke(this.grants.agencyIdOr404(agencyId), caller);
  }

  @Get('v1/admin/agencies/:agencyId/webhook')
  @Requires('subscription:manage')
  webhook(@Param('agencyId') agencyId: string) {
    return this.grants.webhookStatus(this.grants.agencyIdOr404(agencyId));
  }

  @Post('v1/admin/agencies/:agencyId/webhook/redeliver')
  @HttpCode(202)
  @Requires('subscription:manage')
  redeliver(@Param('agencyId') agencyId: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.grants.redeliver(this.grants.agencyIdOr404(agencyId), body, caller);
  }

  /** An agency system: its own grant (null before one is made) and webhook delivery state. */
  @Get('v1/subscription')
  @Requires('subscription:self')
  async mine(@CurrentCaller() caller: Caller) {
    const agency = caller.principal.agency;
    if (!agency) throw new ApiError(404, 'AGENCY_NOT_FOUND', 'this principal belongs to no agency');
    const grant = await this.grants.find(this.grants.agencyIdOr404(agency));
    return { agencyId: agency, grant, delivery: grant ? (await this.grants.webhookStatus(agency)).delivery : null };
  }
}
