import { describe, expect, it } from 'vitest';
import { backoffDelay, createBackoff } from './backoff.ts';

describe('backoffDelay', () => {
  const exact = { baseMs: 100, maxMs: 1000, jitter: false };

  it('doubles from base per failure and stops at the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 50, 5000].map((n) => backoffDelay(n, exact, () => 0));
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000, 1000, 1000]);
  });

  it('draws a full-jitter delay in [0, computed]', () => {
    const jittered = { ...exact, jitter: true };
    expect(backoffDelay(3, jittered, () => 0)).toBe(0);
    expect(backoffDelay(3, jittered, () => 0.5)).toBe(200);
    expect(backoffDelay(3, jittered, () => 0.999999)).toBe(400);
    expect(backoffDelay(9, jittered, () => 0.999999)).toBe(1000);
  });

  it('defaults to 100 ms base, 5 min cap and jitter on', () => {
    expect(backoffDelay(1, {}, () => 0.999999)).toBe(100);
    expect(backoffDelay(1, {}, () => 0)).toBe(0);
    expect(backoffDelay(40, { jitter: false }, () => 0)).toBe(300_000);
  });
});

describe('createBackoff', () => {
  it('counts failures per key and forgets them', () => {
    const backoff = createBackoff({ baseMs: 10, maxMs: 1000, jitter: false }, () => 0);
    expect([backoff.next('a'), backoff.next('a'), backoff.next('b')]).toEqual([10, 20, 10]);
    expect(backoff.failures('a')).toBe(2);
    backoff.forget('a');
    expect(backoff.failures('a')).toBe(0);
    expect(backoff.next('a')).toBe(10);
    expect(backoff.failures('b')).toBe(1);
  });

  it('rejects nonsensical settings', () => {
    expect(() => createBackoff({ baseMs: -1 }, Math.random)).toThrow(RangeError);
    expect(() => createBackoff({ baseMs: 100, maxMs: 50 }, Math.random)).toThrow(RangeError);
  });
});
