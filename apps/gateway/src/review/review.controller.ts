import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ReviewTaskV1 } from '@satupintu/contracts';
import { ApiError } from '@satupintu/platform';
import { uuidOr404 } from '../http/params';
import { knownRegion } from '../regions/known-region';
import { Audited, CurrentCaller, Requires } from '../auth/access.decorators';
import type { Caller } from '../auth/caller';
import { ReviewService } from './review.service';

const STATUSES: ReadonlySet<string> = new Set(ReviewTaskV1.shape.status.options);

/** Duplicate review: tasks by region, a pair side by side, decisions, unmerges. */
@Controller('v1')
export class ReviewController {
  constructor(@Inject(ReviewService) private readonly review: ReviewService) {}

  /** Tasks of a region inside the caller's (or, without `region`, of all the caller's regions). */
  @Get('review-tasks')
  @Requires('review:read')
  list(@CurrentCaller() caller: Caller, @Query('region') region?: unknown, @Query('status') status?: unknown, @Query('after') after?: unknown, @Query('reason') reason?: unknown) {
    if (reason !== undefined && reason !== 'probable-match' && reason !== 'nik-conflict') throw new ApiError(400, 'INVALID_QUERY', 'reason must be probable-match or nik-conflict');
    if (region !== undefined && typeof region !== 'string') throw new ApiError(400, 'INVALID_QUERY', 'region must be one region code');
    if (status !== undefined && (typeof status !== 'string' || !STATUSES.has(status))) throw new ApiError(400, 'INVALID_QUERY', `status must be one of ${[...STATUSES].join(', ')}`);
    if (after !== undefined && (typeof after !== 'string' || Number.isNaN(Date.parse(after)) || after.length > 40)) throw new ApiError(400, 'INVALID_QUERY', 'after must be a timestamp (the `next` of a previous page)');
    if (region !== undefined) caller.assertRegion(region);
    if (region !== undefined && region !== 'ID') knownRegion(region);
    const regions = region === undefined || region === 'ID' ? caller.scopeRegions() : [region];
    return this.review.list(regions, status ?? 'open', after ?? null, (reason as string | undefined) ?? null);
  }

  /** Counts for the review desk: open tasks, decided today and by whom, in a region inside the caller's. */
  @Get('review-tasks/summary')
  @Requires('review:read')
  summary(@CurrentCaller() caller: Caller, @Query('region') region?: unknown) {
    if (region !== undefined && typeof region !== 'string') throw new ApiError(400, 'INVALID_QUERY', 'region must be one region code');
    if (region !== undefined) caller.assertRegion(region);
    if (region !== undefined && region !== 'ID') knownRegion(region);
    return this.review.summary(region === undefined || region === 'ID' ? caller.scopeRegions() : [region]);
  }

  @Get('review-tasks/:id')
  @Requires('review:read')
  @Audited('review.read', 'review-task')
  get(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    return this.review.get(uuidOr404(id, 'TASK_NOT_FOUND', 'no review task has this id'), caller);
  }

  @Post('review-tasks/:id/decision')
  @HttpCode(202)
  @Requires('review:decide')
  @Audited('review.decide', 'review-task')
  decide(@Param('id') id: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.review.decide(uuidOr404(id, 'TASK_NOT_FOUND', 'no review task has this id'), body, caller);
  }

  @Get('merges/:id')
  @Requires('review:read')
  @Audited('merge.read', 'merge')
  merge(@Param('id') id: string, @CurrentCaller() caller: Caller) {
    return this.review.getMerge(uuidOr404(id, 'MERGE_NOT_FOUND', 'no merge has this id'), caller);
  }

  @Post('merges/:id/unmerge')
  @HttpCode(202)
  @Requires('review:decide')
  @Audited('merge.unmerge', 'merge')
  unmerge(@Param('id') id: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.review.unmerge(uuidOr404(id, 'MERGE_NOT_FOUND', 'no merge has this id'), body, caller);
  }
}
