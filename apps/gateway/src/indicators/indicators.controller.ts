import { Body, Controller, Get, Inject, Param, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentCaller, Requires } from '../auth/access.decorators';
import type { Caller } from '../auth/caller';
import { unsuppressedFor } from '../auth/detail';
import { NATION } from '../auth/policy';
import { AuditService } from '../audit/audit.service';
import { ACCESS_SETTINGS, type AccessSettings } from '../config/access.config';
import { formatOf } from '../http/params';
import { CampaignsService } from './campaigns.service';
import { IndicatorsService } from './indicators.service';

/** Indicators per region and theme (now or at a day), campaign targets and progress; JSON or CSV. */
@Controller('v1')
export class IndicatorsController {
  constructor(
    @Inject(IndicatorsService) private readonly indicators: IndicatorsService,
    @Inject(CampaignsService) private readonly campaigns: CampaignsService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ACCESS_SETTINGS) private readonly access: AccessSettings,
  ) {}

  @Get('indicators')
  @Requires('self:read')
  catalogue() {
    return this.indicators.catalogue();
  }

  @Get('regions/:code/indicators')
  @Requires('aggregate:read')
  async forRegion(
    @Param('code') code: string,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
    @Query('theme') theme?: unknown,
    @Query('at') at?: unknown,
    @Query('format') format?: unknown,
    @Query('detail') detail?: unknown,
  ) {
    caller.assertRegion(code);
    const f = formatOf(format);
    const q = this.indicators.parseQuery(theme, at);
    // Small counts of sensitive categories are suppressed; the detail is for roles granted it, and audited.
    const unsuppressed = await unsuppressedFor(caller, detail, this.audit, { action: 'indicators.detail', region: code, theme: q.theme, detail: { theme: q.theme, at: q.at } });
    const result = await this.indicators.forRegion(code, q.theme, q.at, unsuppressed ? null : this.access.minCellSize);
    if (f === 'json') return result;
    res.type('text/csv').attachment(`indicators-${code}${q.theme ? `-${q.theme}` : ''}${q.at ? `-${q.at}` : ''}.csv`);
    return this.indicators.toCsv(result);
  }

  @Get('campaigns')
  @Requires('campaign:read')
  list() {
    return this.campaigns.list();
  }

  /** Campaigns are national: defining one, or its targets, needs a nationwide scope. */
  @Put('campaigns/:id')
  @Requires('campaign:manage')
  define(@Param('id') id: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    caller.assertRegion(NATION);
    return this.campaigns.define(this.campaigns.campaignId(id), body);
  }

  @Put('campaigns/:id/targets')
  @Requires('campaign:manage')
  targets(@Param('id') id: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    caller.assertRegion(NATION);
    return this.campaigns.setTargets(this.campaigns.campaignId(id), body);
  }

  /** Progress in a region (default: the caller's region when it has one, else the country). */
  @Get('campaigns/:id/progress')
  @Requires('campaign:read')
  async progress(@Param('id') id: string, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) res: Response, @Query('region') region?: unknown, @Query('format') format?: unknown) {
    const f = formatOf(format);
    const scope = caller.scopeRegions();
    const code = region === undefined ? (scope?.length === 1 ? scope[0] : 'ID') : typeof region === 'string' ? region : '';
    caller.assertRegion(code);
    const p = await this.campaigns.progress(this.campaigns.campaignId(id), code);
    if (f === 'json') return p;
    res.type('text/csv').attachment(`progress-${p.campaign.id}-${code}.csv`);
    return this.campaigns.progressCsv(p);
  }
}
