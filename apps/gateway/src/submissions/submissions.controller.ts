import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Audited, CurrentCaller, Requires } from '../auth/access.decorators';
import type { Caller } from '../auth/caller';
import { uuidOr404 } from '../http/params';
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

  /** The status trail of one record: received, validated or rejected (with reasons), registered. */
  @Get(':id')
  @Requires('submission:read')
  @Audited('submission.read', 'submission-record')
  status(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    return this.submissions.status(uuidOr404(id, 'SUBMISSION_NOT_FOUND', 'no submission record has this id'), caller);
  }
}
