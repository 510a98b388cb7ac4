import { Controller, Get, Inject, Param } from '@nestjs/common';
import { RegionsService } from './regions.service';

@Controller('v1/regions')
export class RegionsController {
  constructor(@Inject(RegionsService) private readonly regions: RegionsService) {}

  /** Families and persons registered in a region and in each of its child regions. */
  @Get(':code/counts')
  counts(@Param('code') code: string) {
    return this.regions.counts(code);
  }
}
