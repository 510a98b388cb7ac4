import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Audited, CurrentCaller, Requires } from '../auth/access.decorators';
import type { Caller } from '../auth/caller';
import { formatOf, uuidOr404 } from '../http/params';
import { SubmissionsService } from './submissions.service';

@Controller('v1/submissions')
export class SubmissionsController {
  constructor(@Inject(SubmissionsService) private readonly submissions: SubmissionsService) {}

  /** A batch of family records; 202 with one outcome (and id) per record, in order. */
  @Post()
  @HttpCode(202)
  @Requires('submission:create')
  @Audited('submission.create', 'submission-record')
  async submit(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const records = await this.submissions.submit(body, caller);
    return { records };
  }

  /**
   * The records of a region for the people who work the data (a cadre: its own): newest first,
   * filtered by status, rule code and village; each rejected record with every rule's message.
   * As CSV, for a cadre to fix and resend.
   */
  @Get()
  @Requires('submission:read')
  @Audited('submission.list', 'submission-record')
  async list(@CurrentCaller() caller: Caller, @Res({ passthrough: true }) res: Response, @Query() query: Record<string, unknown>) {
    const f = formatOf(query.format);
    const answer = await this.submissions.list(query, caller);
    if (f === 'json') return answer;
    res.type('text/csv').attachment(`submissions-${answer.region}-${answer.status ?? 'all'}.csv`);
    return this.submissions.listCsv(answer);
  }

  /** Counts of a region's records by status and, for rejected ones, by rule. */
  @Get('summary')
  @Requires('submission:read')
  summary(@CurrentCaller() caller: Caller, @Query('region') region?: unknown) {
    return this.submissions.summary(region, caller);
  }

  /** The status trail of one record: received, validated or rejected (with reasons), registered. */
  @Get(':id')
  @Requires('submission:read')
  @Audited('submission.read', 'submission-record')
  status(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    return this.submissions.status(uuidOr404(id, 'SUBMISSION_NOT_FOUND', 'no submission record has this id'), caller);
  }
}
