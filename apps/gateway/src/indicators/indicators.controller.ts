import { Body, Controller, Get, Inject, Param, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { formatOf } from '../http/params';
import { CampaignsService } from './campaigns.service';
import { IndicatorsService } from './indicators.service';

/** Indicators per region and theme (now or at a day), campaign targets and progress; JSON or CSV. */
@Controller('v1')
export class IndicatorsController {
  constructor(
    @Inject(IndicatorsService) private readonly indicators: IndicatorsService,
    @Inject(CampaignsService) private readonly campaigns: CampaignsService,
  ) {}

  @Get('indicators')
  catalogue() {
    return this.indicators.catalogue();
  }

  @Get('regions/:code/indicators')
  async forRegion(@Param('code') code: string, @Res({ passthrough: true }) res: Response, @Query('theme') theme?: unknown, @Query('at') at?: unknown, @Query('format') format?: unknown) {
    const f = formatOf(format);
    const q = this.indicators.parseQuery(theme, at);
    const result = await this.indicators.forRegion(code, q.theme, q.at);
    if (f === 'json') return result;
    res.type('text/csv').attachment(`indicators-${code}${q.theme ? `-${q.theme}` : ''}${q.at ? `-${q.at}` : ''}.csv`);
    return this.indicators.toCsv(result);
  }

  @Get('campaigns')
  list() {
    return this.campaigns.list();
  }

  @Put('campaigns/:id')
  define(@Param('id') id: string, @Body() body: unknown) {
    return this.campaigns.define(this.campaigns.campaignId(id), body);
  }

  @Put('campaigns/:id/targets')
  targets(@Param('id') id: string, @Body() body: unknown) {
    return this.campaigns.setTargets(this.campaigns.campaignId(id), body);
  }

  @Get('campaigns/:id/progress')
  async progress(@Param('id') id: string, @Res({ passthrough: true }) res: Response, @Query('region') region?: unknown, @Query('format') format?: unknown) {
    const f = formatOf(format);
    const code = region === undefined ? 'ID' : typeof region === 'string' ? region : '';
    const p = await this.campaigns.progress(this.campaigns.campaignId(id), code);
    if (f === 'json') return p;
    res.type('text/csv').attachment(`progress-${p.campaign.id}-${code}.csv`);
    return this.campaigns.progressCsv(p);
  }
}
