import type { FlySimRateLimits, SimBucketLimit } from './types.ts';

/**
 * Fly's documented limits: 1 req/s per action (burst 3), Get Machine 5/s (burst 10). Fly keys
 * them by action and by machine *or app*: an action that names no machine (create a machine,
 * list machines) is counted against its app, so one app creates at most 1 machine/s after a
 * burst of 3, however many machines it has.
 */
export const FLY_RATE_LIMITS: FlySimRateLimits = {
  action: { perSecond: 1, burst: 3 },
  getMachine: { perSecond: 5, burst: 10 },
  appAction: { perSecond: 1, burst: 3 },
};

/** What a bucket counts: a machine of an app, or the app itself when no machine is named. */
export interface RateScope {
  app: string;
  machineId?: string | undefined;
}

/** Token buckets keyed by scope and action. */
export interface RateLimiter {
  /**
   * Takes one token for `action` in `scope`. Returns null when allowed, else the seconds to
   * wait (whole, at least 1) for the Retry-After header.
   */
  take(scope: RateScope, action: string): number | null;
  /** Drops the buckets of a machine, or of an app's own actions, that are gone. */
  forget(scope: RateScope): void;
}

interface Bucket {
  tokens: number;
  at: number;
}

// App names cannot contain '/', so an app's key never equals a machine's.
const keyOf = ({ app, machineId }: RateScope): string =>
  machineId === undefined ? app : `${app}/${machineId}`;

/** A limiter with `limits`; `now` is a monotonic clock in milliseconds. */
export function createRateLimiter(
  limits: FlySimRateLimits,
  now: () => number = () => performance.now(),
): RateLimiter {
  const buckets = new Map<string, Map<string, Bucket>>();
  const limitOf = (scope: RateScope, action: string): SimBucketLimit => {
    if (scope.machineId === undefined) return limits.appAction;
    return action === 'get' ? limits.getMachine : limits.action;
  };
  return {
    take(scope, action) {
      const limit = limitOf(scope, action);
      const key = keyOf(scope);
      let perScope = buckets.get(key);
      if (!perScope) {
        perScope = new Map();
        buckets.set(key, perScope);
      }
      const t = now();
      const bucket = perScope.get(action) ?? { tokens: limit.burst, at: t };
      bucket.tokens = Math.min(
        limit.burst,
        bucket.tokens + ((t - bucket.at) / 1000) * limit.perSecond,
      );
      bucket.at = t;
      perScope.set(action, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return null;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
    },
    forget(scope) {
      buckets.delete(keyOf(scope));
    },
  };
}
