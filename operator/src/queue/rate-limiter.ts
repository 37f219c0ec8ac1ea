import { systemClock } from './clock.ts';
import type { Clock } from './clock.ts';

/** Settings for `createRateLimiter`. */
export interface RateLimiterOptions {
  /** Tokens added per second, continuously. */
  ratePerSecond: number;
  /** Bucket size: how many calls may go at once after a quiet spell (≥ 1). */
  burst: number;
  clock?: Clock;
}

/**
 * A token bucket, e.g. one per runtime to cap API calls across all workers. Starts full.
 * Waiters are served first come, first served.
 */
export interface RateLimiter {
  /** Resolves once a token has been taken for the caller. */
  acquire(): Promise<void>;
  /** Takes a token if one is free and nobody is waiting; never waits. */
  tryAcquire(): boolean;
}

// Tolerance for float error when the refill timer lands exactly on a whole token.
const EPSILON = 1e-9;

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { ratePerSecond: rate, burst } = options;
  const clock = options.clock ?? systemClock;
  if (!(rate > 0 && Number.isFinite(rate))) {
    throw new RangeError(`rate limiter ratePerSecond must be > 0, got ${rate}`);
  }
  if (!(burst >= 1 && Number.isFinite(burst))) {
    throw new RangeError(`rate limiter burst must be >= 1, got ${burst}`);
  }
  let tokens = burst;
  let refilledAt = clock.now();
  const waiters: Array<() => void> = [];
  let armed = false;

  function refill(): void {
    const now = clock.now();
    tokens = Math.min(burst, tokens + (Math.max(0, now - refilledAt) * rate) / 1000);
    refilledAt = now;
  }

  function take(): boolean {
    refill();
    if (tokens < 1 - EPSILON) return false;
    tokens = Math.max(0, tokens - 1);
    return true;
  }

  function arm(): void {
    if (armed) return;
    armed = true;
    const waitMs = Math.max(1, Math.ceil(((1 - tokens) * 1000) / rate));
    clock.setTimeout(serve, waitMs);
  }

  function serve(): void {
    armed = false;
    while (waiters.length > 0 && take()) waiters.shift()?.();
    if (waiters.length > 0) arm();
  }

  return {
    tryAcquire: () => waiters.length === 0 && take(),
    acquire() {
      if (waiters.length === 0 && take()) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        arm();
      });
    },
  };
}
