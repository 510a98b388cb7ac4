/**
 * The one classification of failures of the platform's dependencies (PostgreSQL, Redis, Kafka, the
 * network). Every caller asks the same question, "is this worth trying again later?":
 *
 * - `transient`: the dependency is unavailable, overloaded or lost a race. A consumer leaves its batch
 *   uncommitted and tries again (never a dead letter); the HTTP API answers 503 with `Retry-After`.
 * - `permanent`: anything else. The message or request itself is at fault, or the code is: retrying
 *   gives the same answer (a consumer dead-letters, the API answers 4xx or 500).
 *
 * docs/operations.md lists the classes and what each side does with them.
 */
export type FailureClass = 'transient' | 'permanent';

/** Socket and resolver errors of Node (a server down, restarting or unreachable). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/**
 * PostgreSQL SQLSTATEs that say "later": the server is shutting down, starting or recovering; it is
 * out of connections, memory or disk; a statement was cancelled or timed out; a transaction lost a race.
 */
const POSTGRES_CODES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, in recovery)
  '57014', // query_canceled (statement timeout)
  '53000', // insufficient_resources
  '53100', // disk_full
  '53200', // out_of_memory
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '58000', // system_error
  '58030', // io_error
]);

/** PostgreSQL class 08: connection exceptions. */
const isConnectionClass = (code: string) => /^08[0-9A-Z]{3}$/.test(code);

/** Error classes of the clients that always mean "the dependency did not answer". */
const TRANSIENT_NAMES = new Set([
  // ioredis: the command was not sent or not answered within its retries (Redis down or restarting)
  'MaxRetriesPerRequestError',
  'ClusterAllFailedError',
  // kafkajs
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSLockTimeout',
  // TypeORM when its pool is gone
  'ConnectionIsNotSetError',
  'CannotExecuteNotConnectedError',
]);

/** Redis replies that mean "not now": loading, busy with a script, failing over, out of memory. */
const REDIS_REPLY = /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY|OOM)\b/;

/** Messages of pg, pg-pool and ioredis for a connection that is gone or never came. */
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Connection is closed|Stream isn't writeable|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)|terminating connection/i;

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  retriable?: unknown;
  cause?: unknown;
  errors?: unknown;
  driverError?: unknown;
  originalError?: unknown;
}

export function classifyError(err: unknown): FailureClass {
  return isTransient(err, 0) ? 'transient' : 'permanent';
}

export function isTransientError(err: unknown): boolean {
  return classifyError(err) === 'transient';
}

function isTransient(err: unknown, depth: number): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as ErrorLike;
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || POSTGRES_CODES.has(e.code) || isConnectionClass(e.code))) return true;
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  // kafkajs marks protocol errors that a retry can fix (leader moved, coordinator loading...).
  if (e.retriable === true) return true;
  if (typeof e.message === 'string' && (CONNECTION_MESSAGES.test(e.message) || (e.name === 'ReplyError' && REDIS_REPLY.test(e.message)))) return true;
  // Wrapped errors: TypeORM's driverError, kafkajs' originalError, Error.cause, and AggregateError
  // (Node's connect tries every address of a host and reports them together).
  const nested = [e.driverError, e.originalError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  return nested.some((n) => n !== err && isTransient(n, depth + 1));
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
