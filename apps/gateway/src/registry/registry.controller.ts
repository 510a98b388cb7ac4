import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { Audited, CurrentCaller, Requires } from '../auth/access.decorators';
import type { Caller } from '../auth/caller';
import { uuidOr404 } from '../http/params';
import { RegistryService } from './registry.service';

/** Search by NIK or KK and family records: personal data, inside the caller's regions, audited. */
@Controller('v1')
export class RegistryController {
  constructor(@Inject(RegistryService) private readonly registry: RegistryService) {}

  @Get('persons')
  @Requires('registry:read')
  @Audited('person.search', 'person')
  persons(@Query('nik') nik: unknown, @CurrentCaller() caller: Caller) {
    return this.registry.personsByNik(nik, caller);
  }

  @Get('families')
  @Requires('registry:read')
  @Audited('family.search', 'family')
  families(@Query('kk') kk: unknown, @CurrentCaller() caller: Caller) {
    return this.registry.familiesByKk(kk, caller);
  }

  @Get('families/:id')
  @Requires('registry:read')
  @Audited('family.read', 'family')
  family(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    return this.registry.family(uuidOr404(id, 'FAMILY_NOT_FOUND', 'no family has this id'), caller);
  }
}
