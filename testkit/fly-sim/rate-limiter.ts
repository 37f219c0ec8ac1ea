import type { FlySimRateLimits, SimBucketLimit } from './types.ts';

/** Fly's documented limits: 1 req/s per action per machine (burst 3); Get Machine 5/s (burst 10). */
export const FLY_RATE_LIMITS: FlySimRateLimits = {
  action: { perSecond: 1, burst: 3 },
  getMachine: { perSecond: 5, burst: 10 },
};

/** Token buckets keyed by machine and action. */
export interface RateLimiter {
  /**
   * Takes one token for `action` on `machineKey`. Returns null when allowed, else the seconds to
   * wait (whole, at least 1) for the Retry-After header.
   */
  take(machineKey: string, action: string): number | null;
  /** Drops the buckets of a machine that is gone. */
  forget(machineKey: string): void;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** A limiter with `limits`; `now` is a monotonic clock in milliseconds. */
export function createRateLimiter(
  limits: FlySimRateLimits,
  now: () => number = () => performance.now(),
): RateLimiter {
  const buckets = new Map<string, Map<string, Bucket>>();
  return {
    take(machineKey, action) {
      const limit: SimBucketLimit = action === 'get' ? limits.getMachine : limits.action;
      let perMachine = buckets.get(machineKey);
      if (!perMachine) {
        perMachine = new Map();
        buckets.set(machineKey, perMachine);
      }
      const t = now();
      const bucket = perMachine.get(action) ?? { tokens: limit.burst, at: t };
      bucket.tokens = Math.min(
        limit.burst,
        bucket.tokens + ((t - bucket.at) / 1000) * limit.perSecond,
      );
      bucket.at = t;
      perMachine.set(action, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return null;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
    },
    forget(machineKey) {
      buckets.delete(machineKey);
    },
  };
}
