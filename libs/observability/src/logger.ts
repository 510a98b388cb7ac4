import type { LoggerService } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import pino from 'pino';
import { currentCorrelationId } from './correlation';

export type Logger = pino.Logger;

/**
 * Keys whose values are personal data. They are never logged: code should not pass them to the
 * logger at all, and if it does the value is replaced.
 */
const PERSONAL_KEYS = ['nik', 'kk', 'name', 'birthDate', 'family', 'members', 'before', 'after', 'diff', 'street'];

export function createLogger(service: string, level: string = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: [...PERSONAL_KEYS, ...PERSONAL_KEYS.map((k) => `*.${k}`)],
      censor: '[redacted]',
    },
    mixin() {
      const correlationId = currentCorrelationId();
      const span = trace.getActiveSpan()?.spanContext();
      return { ...(correlationId ? { correlationId } : {}), ...(span && span.traceFlags ? { traceId: span.traceId } : {}) };
    },
  });
}

/** Lets NestJS write its own messages through the same structured logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
