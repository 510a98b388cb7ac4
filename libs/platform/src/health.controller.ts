import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { LifecycleService } from './lifecycle.service';
import { Public } from './public.decorator';

@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(LifecycleService) private readonly lifecycle: LifecycleService) {}

  /** The process is alive (the event loop answers). */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready to take work: started, not shutting down, and Kafka, PostgreSQL and Redis answer. */
  @Get('ready')
  async ready(@Res() res: Response) {
    const report = await this.lifecycle.readiness();
    res.status(report.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(report);
  }
}
