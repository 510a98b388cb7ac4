import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import { describeError, isTransientError } from '@satupintu/faults';
import type { Logger } from '@satupintu/observability';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { throwError } from 'rxjs';

/** Seconds a client is asked to wait after a 503 for an unavailable dependency. */
export const RETRY_AFTER_SECONDS = 5;

/** An error whose code, status and details are meant for the client. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super({ code, message, details }, status);
  }
}

/**
 * Every HTTP error becomes `{ error: { code, message, details?, errorId? } }`; a 5xx is logged with an
 * error id (class and code only: no message, since driver messages can quote personal data) and only
 * that id is returned. A dependency that is unavailable (PostgreSQL, Redis or Kafka down, restarting,
 * out of connections or disk: see @satupintu/faults) is 503 `UNAVAILABLE` with `Retry-After`, so a
 * client that retries 503 loses nothing; 500 is left for faults of the code. For Kafka handlers (rpc) the error is passed through to the consumer, which
 * retries and dead-letters.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() === 'rpc') return throwError(() => exception);
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof ApiError) {
      return res.status(exception.getStatus()).json({ error: { code: exception.code, message: exception.message, details: exception.details } });
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      return res.status(status).json({ error: { code: httpCode(status), message: plainMessage(exception) } });
    }
    const errorId = randomUUID();
    if (isTransientError(exception)) {
      this.logger.warn({ errorId, ...describeError(exception) }, 'request failed: a dependency is unavailable');
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      return res.status(HttpStatus.SERVICE_UNAVAILABLE).json({ error: { code: 'UNAVAILABLE', message: 'a dependency of the service is unavailable; retry later', errorId } });
    }
    this.logger.error({ errorId, ...describeError(exception) }, 'request failed');
    return res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ error: { code: 'INTERNAL', message: 'internal error', errorId } });
  }
}

function httpCode(status: number): string {
  switch (status) {
    case 400: return 'BAD_REQUEST';
    case 401: return 'UNAUTHENTICATED';
    case 403: return 'FORBIDDEN';
    case 404: return 'NOT_FOUND';
    case 405: return 'METHOD_NOT_ALLOWED';
    case 413: return 'PAYLOAD_TOO_LARGE';
    case 415: return 'UNSUPPORTED_MEDIA_TYPE';
    case 429: return 'RATE_LIMITED';
    default: return `HTTP_${status}`;
  }
}

function plainMessage(e: HttpException): string {
  const r = e.getResponse();
  if (typeof r === 'string') return r;
  const m = (r as { message?: unknown }).message;
  return typeof m === 'string' ? m : Array.isArray(m) ? m.join('; ') : e.message;
}
