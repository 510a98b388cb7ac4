import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { DatabaseError } from 'pg';
import { QueryFailedError, TypeORMError } from 'typeorm';
import { classifyError, describeError, isTransientError } from './classify';

// The error objects the real clients throw, built with the clients' own classes.
const pgError = (code: string, message = 'x') => Object.assign(new DatabaseError(message, 0, 'error'), { code });
const queryFailed = (code: string) => new QueryFailedError('select 1', [], pgError(code));
/** A Kafka protocol error as kafkajs builds it from the broker's error code. */
const protocolError = (type: string, code: number, retriable: boolean) => new KafkaJSProtocolError({ message: type.toLowerCase(), type, code, retriable } as unknown as Error);
const sysError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:55432`), { code });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MaxRetriesPerRequestError } = require('ioredis/built/errors') as { MaxRetriesPerRequestError: new (n: number) => Error };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RedisReplyError = require('redis-errors').ReplyError as new (message: string) => Error;

describe('classifyError', () => {
  it.each([
    ['PostgreSQL refusing connections', sysError('ECONNREFUSED')],
    ['a reset socket', sysError('ECONNRESET')],
    ['Node trying every address of a host', new AggregateError([sysError('ECONNREFUSED'), sysError('ECONNREFUSED')], 'connect failed')],
    ['a connection that died mid-query', new Error('Connection terminated unexpectedly')],
    ['pg-pool out of time for a connection', new Error('timeout exceeded when trying to connect')],
    ['PostgreSQL in crash recovery', queryFailed('57P03')],
    ['PostgreSQL shut down by the admin', queryFailed('57P01')],
    ['a full disk', queryFailed('53100')],
    ['too many connections', pgError('53300')],
    ['a statement timeout', queryFailed('57014')],
    ['a serialization failure', queryFailed('40001')],
    ['a deadlock', queryFailed('40P01')],
    ['connection exception class 08', pgError('08006')],
    ['Redis down beyond the command retries', new MaxRetriesPerRequestError(2)],
    ['Redis loading its dataset', new RedisReplyError('LOADING Redis is loading the dataset in memory')],
    ['Redis out of memory', new RedisReplyError('OOM command not allowed when used memory > maxmemory')],
    ['ioredis on a closed connection', new Error('Connection is closed.')],
    ['the Kafka broker unreachable', new KafkaJSConnectionError('Connection error: connect ECONNREFUSED')],
    ['kafkajs out of retries', new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('x'), { retryCount: 8, retryTime: 1000 })],
    ['a retriable Kafka protocol error', protocolError('LEADER_NOT_AVAILABLE', 5, true)],
    ['a cause that is transient', new Error('commit failed', { cause: sysError('EPIPE') })],
  ])('%s is transient', (_label, err) => {
    expect(classifyError(err)).toBe('transient');
  });

  it.each([
    ['a unique violation', queryFailed('23505')],
    ['a check violation', pgError('23514')],
    ['invalid input syntax', queryFailed('22P02')],
    ['an undefined column (a bug)', queryFailed('42703')],
    ['a plain TypeError', new TypeError("Cannot read properties of undefined (reading 'nik')")],
    ['a Redis wrong-type reply', new RedisReplyError('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ['a message too large for Kafka', protocolError('MESSAGE_TOO_LARGE', 10, false)],
    ['a non-retriable kafkajs error', new KafkaJSNonRetriableError('bad')],
    ['a TypeORM error of the code', new TypeORMError('No metadata for "X" was found.')],
    ['a string', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('%s is permanent', (_label, err) => {
    expect(classifyError(err)).toBe('permanent');
    expect(isTransientError(err)).toBe(false);
  });

  it('does not loop on an error that is its own cause', () => {
    const e = new Error('x') as Error & { cause?: unknown };
    e.cause = e;
    expect(classifyError(e)).toBe('permanent');
  });
});

describe('describeError', () => {
  it('gives the class and code, never the message', () => {
    const d = describeError(queryFailed('23505'));
    expect(d).toEqual({ errorType: 'QueryFailedError', errorCode: '23505' });
    expect(describeError(protocolError('MESSAGE_TOO_LARGE', 10, false))).toEqual({ errorType: 'KafkaJSProtocolError', errorCode: 'MESSAGE_TOO_LARGE' });
    expect(JSON.stringify(describeError(pgError('23505', 'Key (nik)=(3171012345678901) already exists')))).not.toContain('3171');
  });
});
