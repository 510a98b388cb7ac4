import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiError } from '@satupintu/platform';
import { SubmissionsService } from './submissions.service';
import { UUID } from '../http/params';


@Controller('v1/submissions')
export class SubmissionsController {
  constructor(@Inject(SubmissionsService) private readonly submissions: SubmissionsService) {}

  /** A batch of family records; 202 with one outcome (and id) per record, in order. */
  @Post()
  @HttpCode(202)
  async submit(@Body() body: unknown, @Headers('x-client-id') clientId?: string) {
    const client = typeof clientId === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(clientId) ? clientId : 'anonymous';
    const records = await this.submissions.submit(body, client);
    return { records };
  }

  /** The status trail of one record: received, validated or rejected (with reasons), registered. */
  @Get(':id')
  async status(@Param('id') id: string) {
    if (!UUID.test(id)) throw new ApiError(404, 'SUBMISSION_NOT_FOUND', 'no submission record has this id');
    return this.submissions.status(id);
  }
}
