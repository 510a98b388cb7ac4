import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiError } from '@satupintu/platform';
import { Audited, CurrentCaller, Requires } from '../auth/access.decorators';
import type { Caller } from '../auth/caller';
import { AuditService } from '../audit/audit.service';
import { unsuppressedFor } from '../auth/detail';
import { ACCESS_SETTINGS, type AccessSettings } from '../config/access.config';
import { EligibilityService } from './eligibility.service';
import { uuidOr404 } from '../http/params';

const PROGRAMME_ID = /^[a-z0-9-]{2,40}$/;

/** Who qualifies for which programme, and why. */
@Controller('v1')
export class EligibilityController {
  constructor(
    @Inject(EligibilityService) private readonly eligibility: EligibilityService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ACCESS_SETTINGS) private readonly access: AccessSettings,
  ) {}

  @Get('persons/:id/eligibility')
  @Requires('eligibility:read')
  @Audited('eligibility.person.read', 'person')
  person(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    return this.eligibility.forPerson(uuidOr404(id, 'PERSON_NOT_FOUND', 'no eligibility decisions for this person'), caller);
  }

  @Get('families/:id/eligibility')
  @Requires('eligibility:read')
  @Audited('eligibility.family.read', 'family')
  family(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    return this.eligibility.forFamily(uuidOr404(id, 'FAMILY_NOT_FOUND', 'no eligibility decisions for this family'), caller);
  }

  @Get('regions/:code/eligibility')
  @Requires('eligibility:count')
  async region(@Param('code') code: string, @CurrentCaller() caller: Caller, @Query('programme') programme?: unknown, @Query('detail') detail?: unknown) {
    caller.assertRegion(code);
    if (programme !== undefined && (typeof programme !== 'string' || !PROGRAMME_ID.test(programme))) {
      throw new ApiError(400, 'INVALID_QUERY', 'programme must be a programme id (a-z, 0-9 and -, 2 to 40 characters)');
    }
    // Small counts are suppressed as for indicators; the detail is for roles granted it, and audited.
    const unsuppressed = await unsuppressedFor(caller, detail, this.audit, { action: 'eligibility.detail', region: code, theme: null, detail: { programme: programme ?? null } });
    return this.eligibility.counts(code, programme, unsuppressed ? null : this.access.minCellSize);
  }
}
