import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { Audited, CurrentCaller, Requires } from '../auth/access.decorators';
import type { Caller } from '../auth/caller';
import { DataSubjectsService } from './data-subjects.service';

/** Data-subject requests: the NIK travels in the body, never in a URL that proxies and access logs keep. */
@Controller('v1/data-subject-requests')
export class DataSubjectsController {
  constructor(@Inject(DataSubjectsService) private readonly subjects: DataSubjectsService) {}

  @Post('export')
  @HttpCode(200)
  @Requires('subject:request')
  @Audited('subject.export', 'person')
  export(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.subjects.export(body, caller);
  }

  /** A correction the person asked for: the corrected family record, submitted with the request as its provenance. */
  @Post('correction')
  @HttpCode(202)
  @Requires('subject:request')
  @Audited('subject.correction', 'person')
  correct(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.subjects.correct(body, caller);
  }
}
