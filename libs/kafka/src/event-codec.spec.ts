import { TOPICS } from '@satupintu/contracts';
import { decodeEvent, encodeEvent } from './event-codec';
import { isTransientError } from './errors';

const registered = {
  eventId: '6f1c8f3d-2a10-4a53-9a55-0f0b5a8e3b1e',
  occurredAt: '2026-11-22T10:00:00.000Z',
  recordId: '6f1c8f3d-2a10-4a53-9a55-0f0b5a8e3b1f',
  revision: 1,
  familyId: '6f1c8f3d-2a10-4a53-9a55-0f0b5a8e3b20',
  familyVersion: 1,
  changed: true,
};

describe('event codec (the consumer boundary)', () => {
  it('accepts a message that matches its topic schema', () => {
    const value = Buffer.from(encodeEvent(TOPICS.submissionRegistered, registered));
    expect(decodeEvent(TOPICS.submissionRegistered, { value })).toEqual({ ok: true, value: registered });
  });

  it.each([
    ['not JSON', Buffer.from('{nope'), 'MALFORMED_JSON'],
    ['empty', null, 'MALFORMED_JSON'],
    ['wrong shape', Buffer.from(JSON.stringify({ ...registered, familyVersion: 'one' })), 'SCHEMA_MISMATCH'],
  ])('refuses %s with a code and names only paths', (_n, value, code) => {
    const r = decodeEvent(TOPICS.submissionRegistered, { value });
    expect(r).toEqual(expect.objectContaining({ ok: false, code }));
    if (!r.ok && code === 'SCHEMA_MISMATCH') expect(r.detail).toBe('familyVersion: invalid_type');
  });

  it('refuses to encode an event that breaks its schema', () => {
    expect(() => encodeEvent(TOPICS.submissionRegistered, { ...registered, eventId: 'x' })).toThrow(/eventId/);
  });
});

describe('isTransientError', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, true],
    [{ code: '40P01' }, true],
    [{ name: 'KafkaJSConnectionError' }, true],
    [{ code: '23505' }, false],
    [new TypeError('x'), false],
  ])('%p -> %p', (err, transient) => {
    expect(isTransientError(err)).toBe(transient);
  });
});
