import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';
import { createFakeClock } from './testing/fake-clock.ts';

describe('createRateLimiter', () => {
  it('allows a burst, then one token per 1/rate seconds, never above burst', async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, burst: 2, clock });
    expect([limiter.tryAcquire(), limiter.tryAcquire(), limiter.tryAcquire()]).toEqual([
      true,
      true,
      false,
    ]);
    await clock.advance(99);
    expect(limiter.tryAcquire()).toBe(false);
    await clock.advance(1);
    expect(limiter.tryAcquire()).toBe(true);
    await clock.advance(10_000);
    expect([limiter.tryAcquire(), limiter.tryAcquire(), limiter.tryAcquire()]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('makes acquire() wait for a token, serving waiters in order', async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter({ ratePerSecond: 4, burst: 1, clock });
    const got: Array<[string, number]> = [];
    for (const who of ['a', 'b', 'c']) {
      void limiter.acquire().then(() => got.push([who, clock.now()]));
    }
    await clock.flush();
    expect(limiter.tryAcquire()).toBe(false); // no jumping the queue
    await clock.advance(1000);
    expect(got).toEqual([
      ['a', 0],
      ['b', 250],
      ['c', 500],
    ]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('rejects a non-positive rate or a burst below one', () => {
    expect(() => createRateLimiter({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => createRateLimiter({ ratePerSecond: 1, burst: 0.5 })).toThrow(RangeError);
  });
});
