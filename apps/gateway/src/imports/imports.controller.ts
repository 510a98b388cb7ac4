import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiError } from '@satupintu/platform';
import type { Request, Response } from 'express';
import { Audited, CurrentCaller, Requires } from '../auth/access.decorators';
import type { Caller } from '../auth/caller';
import { formatOf, uuidOr404 } from '../http/params';
import { ImportsService } from './imports.service';

const notFound = (id: string) => uuidOr404(id, 'IMPORT_NOT_FOUND', 'no import job has this id');

@Controller('v1/imports')
export class ImportsController {
  constructor(@Inject(ImportsService) private readonly imports: ImportsService) {}

  /**
   * Uploads a list file (the body: CSV or XLSX bytes) and starts its import job: 202 with the job,
   * or 200 with the existing job when this principal already imported this file under this list
   * name. The file's reading and the mapping are checked before the job is made.
   */
  @Post()
  @HttpCode(202)
  @Requires('import:create')
  @Audited('import.create', 'import-job')
  async create(@Req() req: Request, @Query() query: Record<string, unknown>, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) res: Response) {
    if ((req.headers['content-type'] ?? '').includes('json')) throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the file itself as the body (text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet or application/octet-stream)');
    const { status, job } = await this.imports.create(req, query, caller);
    res.status(status);
    return job;
  }

  /** The caller's jobs, newest first (an admin: everyone's). */
  @Get()
  @Requires('import:read')
  @Audited('import.list', 'import-job')
  list(@CurrentCaller() caller: Caller) {
    return this.imports.list(caller);
  }

  /** The job's state, how its file was read, and its counts so far. */
  @Get(':id')
  @Requires('import:read')
  @Audited('import.read', 'import-job')
  status(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    return this.imports.status(notFound(id), caller);
  }

  /** What became (or, in a dry run, would become) of the rows per regency/city: new, found, review, rejected. */
  @Get(':id/summary')
  @Requires('import:read')
  @Audited('import.summary', 'import-job')
  summary(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    return this.imports.summary(notFound(id), caller);
  }

  /** The per-row report: JSON pages (`after`, `limit`), or the whole report as CSV or XLSX. */
  @Get(':id/rows')
  @Requires('import:read')
  @Audited('import.report', 'import-job')
  async rows(@Param('id') id: string, @Query() query: Record<string, unknown>, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) res: Response) {
    const jobId = notFound(id);
    if (query.format === 'xlsx') {
      const xlsx = await this.imports.reportXlsx(jobId, caller);
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(`import-${jobId}.xlsx`);
      return new StreamableFile(xlsx);
    }
    if (formatOf(query.format) === 'csv') {
      const csv = await this.imports.reportCsv(jobId, caller);
      res.type('text/csv').attachment(`import-${jobId}.csv`);
      return csv;
    }
    const after = query.after === undefined ? 0 : Number(query.after);
    const limit = query.limit === undefined ? 1000 : Number(query.limit);
    if (!Number.isInteger(after) || after < 0 || !Number.isInteger(limit) || limit < 1 || limit > 5000) throw new ApiError(400, 'INVALID_QUERY', 'after is a row number, limit 1 to 5000');
    const rows = await this.imports.report(jobId, caller, after, limit);
    return { rows, next: rows.length === limit ? rows[rows.length - 1].row : null };
  }
}
