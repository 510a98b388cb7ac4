import { ArgumentsHost, Body, Catch, Controller, Get, HttpCode, HttpException, Inject, Param, Post, Put, Query, UseFilters, type ExceptionFilter } from '@nestjs/common';
import { ApiError, Public } from '@satupintu/platform';
import type { Response } from 'express';
import { Audited, CurrentCaller, Requires } from '../auth/access.decorators';
import type { Caller } from '../auth/caller';
import { DciCallbacks } from './callbacks';
import { DciError, DciService } from './dci.service';

/** The DCI code of a gateway refusal that happens before the DCI handler runs (credentials, rate limits). */
function dciCode(status: number): string {
  switch (status) {
    case 401: return 'err.request.unauthorized';
    case 403: return 'err.request.forbidden';
    case 404: return 'err.request.not_found';
    case 408: return 'err.request.timeout';
    case 429: return 'err.request.too_many_requests';
    case 503: return 'err.service.unavailable';
    default: return 'err.request.bad';
  }
}

/**
 * Errors of the DCI routes in the spec's HttpErrorResponse shape, `{ errors: [{ code, message }] }`,
 * with the spec's codes (err.signature.invalid, err.sender_id.invalid ...). Anything unexpected is
 * left to the platform's filter (a 500 with an error id, logged without personal data).
 */
@Catch(HttpException)
export class DciErrorFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    const status = exception.getStatus();
    if (status >= 500 && !(exception instanceof DciError)) throw exception;
    const code = exception instanceof DciError ? exception.code : dciCode(status);
    const message = exception instanceof ApiError ? exception.message : 'the request was refused';
    res.status(status).json({ errors: [{ code, message }] });
  }
}

/**
 * The registry side of the DCI (SPDCI) Social Registry API v1.0.0 (docs/dci.md): search (sync, and
 * async with the answer as a callback), subscribe / unsubscribe (notifications follow as
 * callbacks), transaction status, the platform's signing keys, and the admin's senders and callback
 * queue. Callers are agency
 * principals (Authorization: Bearer, as every API call); answers are cut to the agency's grant and
 * audited.
 */
@Controller()
export class DciController {
  constructor(
    @Inject(DciService) private readonly dci: DciService,
    @Inject(DciCallbacks) private readonly callbacks: DciCallbacks,
  ) {}

  @Post('registry/sync/search')
  @HttpCode(200)
  @UseFilters(DciErrorFilter)
  @Requires('dci:search')
  @Audited('dci.search', 'family')
  syncSearch(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.dci.syncSearch(body, caller);
  }

  @Post('registry/search')
  @HttpCode(200)
  @UseFilters(DciErrorFilter)
  @Requires('dci:search')
  @Audited('dci.search', 'family')
  search(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.dci.asyncSearch(body, caller);
  }

  @Post('registry/subscribe')
  @HttpCode(200)
  @UseFilters(DciErrorFilter)
  @Requires('dci:search')
  @Audited('dci.subscribe', 'dci-subscription')
  subscribe(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.dci.subscribe(body, caller);
  }

  @Post('registry/unsubscribe')
  @HttpCode(200)
  @UseFilters(DciErrorFilter)
  @Requires('dci:search')
  @Audited('dci.unsubscribe', 'dci-subscription')
  unsubscribe(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.dci.unsubscribe(body, caller);
  }

  @Post('registry/txn/status')
  @HttpCode(200)
  @UseFilters(DciErrorFilter)
  @Requires('dci:search')
  txnStatus(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.dci.asyncTxnStatus(body, caller);
  }

  @Post('registry/sync/txn/status')
  @HttpCode(200)
  @UseFilters(DciErrorFilter)
  @Requires('dci:search')
  syncTxnStatus(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.dci.syncTxnStatus(body, caller);
  }

  @Get('.well-known/jwks.json')
  @Public()
  jwks() {
    return this.dci.jwks();
  }

  @Put('v1/admin/dci/senders/:senderId')
  @Requires('dci:manage')
  @Audited('dci.sender.put', 'dci-sender', 'senderId')
  putSender(@Param('senderId') senderId: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.dci.putSender(senderId, body, caller);
  }

  @Get('v1/admin/dci/senders')
  @Requires('dci:manage')
  senders() {
    return this.dci.listSenders();
  }

  @Get('v1/admin/dci/callbacks')
  @Requires('dci:manage')
  callbackStatus(@Query('sender') sender?: string) {
    return this.callbacks.status(typeof sender === 'string' ? sender : undefined);
  }

  @Post('v1/admin/dci/senders/:senderId/callbacks/redeliver')
  @HttpCode(202)
  @Requires('dci:manage')
  redeliver(@Param('senderId') senderId: string, @Body() body: unknown) {
    return this.callbacks.redeliver(senderId, body);
  }
}

/** Express middleware for /registry: a body that is not JSON gets the spec's error shape. */
export function dciBodyErrors(err: { status?: number; type?: string } | undefined, _req: unknown, res: Response, next: (e?: unknown) => void) {
  if (!err) return next();
  const tooLarge = err.status === 413;
  res.status(tooLarge ? 413 : 400).json({ errors: [{ code: 'err.request.bad', message: tooLarge ? 'the body is too large' : 'the body is not valid JSON' }] });
}
