import { retryAfterSeconds, shedReason, type SheddingSettings } from './load-shedding';

const settings: SheddingSettings = { maxInFlight: 4, maxEventLoopDelayMs: 500, maxHeapUsedRatio: 0.85 };
const calm = { inFlight: 0, eventLoopDelayMs: 3, heapUsedRatio: 0.2 };

describe('shedReason', () => {
  it('admits requests while every measure is under its bound', () => {
    expect(shedReason(calm, settings)).toBeNull();
    expect(shedReason({ ...calm, inFlight: 3, eventLoopDelayMs: 499, heapUsedRatio: 0.84 }, settings)).toBeNull();
  });

  it('refuses the request that would exceed the bound of requests in flight', () => {
    expect(shedReason({ ...calm, inFlight: 4 }, settings)).toBe('in-flight');
    expect(shedReason({ ...calm, inFlight: 40 }, settings)).toBe('in-flight');
  });

  it('refuses while the heap is nearly full or the event loop lags', () => {
    expect(shedReason({ ...calm, heapUsedRatio: 0.85 }, settings)).toBe('heap');
    expect(shedReason({ ...calm, eventLoopDelayMs: 500 }, settings)).toBe('event-loop');
  });

  it('names the in-flight bound first, then the heap, when several are crossed', () => {
    expect(shedReason({ inFlight: 9, eventLoopDelayMs: 900, heapUsedRatio: 0.99 }, settings)).toBe('in-flight');
    expect(shedReason({ inFlight: 0, eventLoopDelayMs: 900, heapUsedRatio: 0.99 }, settings)).toBe('heap');
  });

  it('a bound of 0 is off', () => {
    const off: SheddingSettings = { maxInFlight: 0, maxEventLoopDelayMs: 0, maxHeapUsedRatio: 0 };
    expect(shedReason({ inFlight: 10_000, eventLoopDelayMs: 10_000, heapUsedRatio: 1 }, off)).toBeNull();
  });
});

describe('retryAfterSeconds', () => {
  it('spreads the refused clients over 1 to 3 seconds', () => {
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(0.34)).toBe(2);
    expect(retryAfterSeconds(0.67)).toBe(3);
    expect(retryAfterSeconds(0.999999)).toBe(3);
  });
});
