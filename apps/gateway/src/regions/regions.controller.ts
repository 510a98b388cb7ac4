import { Controller, Get, Inject, Param } from '@nestjs/common';
import { CurrentCaller, Requires } from '../auth/access.decorators';
import type { Caller } from '../auth/caller';
import { RegionsService } from './regions.service';

@Controller('v1/regions')
export class RegionsController {
  constructor(@Inject(RegionsService) private readonly regions: RegionsService) {}

  /** Families and persons registered in a region and in each of its child regions. */
  @Get(':code/counts')
  @Requires('aggregate:read')
  counts(@Param('code') code: string, @CurrentCaller() caller: Caller) {
    caller.assertRegion(code);
    return this.regions.counts(code);
  }
}
