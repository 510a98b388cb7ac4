/**
 * Errors that say "try again later" rather than "this message is bad": the infrastructure is
 * unavailable or a transaction lost a race. A batch failing with one of these is retried (its offsets
 * are not committed) instead of being dead-lettered.
 */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin shutdown
  '57P03', // cannot connect now
  '53300', // too many connections
  '40001', // serialization failure
  '40P01', // deadlock detected
  '08000',
  '08003',
  '08006',
]);

export function isTransientError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; retriable?: unknown; name?: unknown; message?: unknown };
  if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return true;
  if (e.retriable === true) return true;
  if (e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSNumberOfRetriesExceeded') return true;
  return typeof e.message === 'string' && /Connection terminated|connection timeout|not queryable/i.test(e.message);
}

/**
 * A description of an error that is safe to log: its class and code, never its message, because
 * database and driver messages can quote the values (a NIK in a unique-key violation, say).
 */
export function describeError(err: unknown): { errorType: string; errorCode?: string; paths?: string[] } {
  if (!err || typeof err !== 'object') return { errorType: typeof err };
  const e = err as { name?: unknown; code?: unknown; type?: unknown; paths?: unknown; constructor?: { name?: string } };
  if (e.name === 'EventSchemaError' && Array.isArray(e.paths)) return { errorType: 'EventSchemaError', errorCode: String(e.code), paths: e.paths.map(String) };
  const errorType = typeof e.name === 'string' ? e.name : (e.constructor?.name ?? 'Error');
  // Kafka protocol errors carry a symbolic type (e.g. MESSAGE_TOO_LARGE): safe and useful.
  const errorCode = typeof e.code === 'string' ? e.code : errorType.startsWith('KafkaJS') && typeof e.type === 'string' ? e.type : undefined;
  return { errorType, errorCode };
}
