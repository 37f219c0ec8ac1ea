import { describe, expect, it } from 'vitest';
import { backoffDelay, createWaker, formatDelay, MAX_RETRY_AFTER_MS } from './backoff.ts';

const policy = { initialMs: 1_000, maxMs: 30_000 };

describe('backoffDelay', () => {
  it('doubles per attempt up to the cap, jittered down by at most a half', () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, policy, () => 0.999999))).toEqual([
      1_000, 2_000, 4_000, 8_000, 30_000,
    ]);
    expect([0, 1, 10].map((a) => backoffDelay(a, policy, () => 0))).toEqual([500, 1_000, 15_000]);
  });

  it('honours Retry-After, within a ceiling', () => {
    expect(backoffDelay(5, policy, () => 0.5, 4_000)).toBe(4_000);
    expect(backoffDelay(0, policy, () => 0.5, 86_400_000)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('formats waits for people', () => {
    expect([250, 1_000, 1_460, 4_000, 30_000].map(formatDelay)).toEqual([
      '250ms',
      '1s',
      '1.5s',
      '4s',
      '30s',
    ]);
  });
});

describe('createWaker', () => {
  it('ends a sleep at wake, and remembers a wake that came first', async () => {
    const waker = createWaker();
    const sleeping = waker.sleep(60_000);
    waker.wake();
    await sleeping;
    waker.wake();
    await waker.sleep(60_000);
  });
});
