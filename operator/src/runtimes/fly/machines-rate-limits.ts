import { systemClock } from '../../queue/clock.ts';
import type { Clock } from '../../queue/clock.ts';
import { createRateLimiter } from '../../queue/rate-limiter.ts';
import type { RateLimiter } from '../../queue/rate-limiter.ts';

/** One token bucket's shape. */
export interface BucketLimit {
  ratePerSecond: number;
  burst: number;
}

/** The actions the client paces; each machine (or app, for app-scoped ones) has its own bucket. */
export type MachinesAction =
  | 'get'
  | 'list'
  | 'create'
  | 'update'
  | 'start'
  | 'stop'
  | 'destroy'
  | 'wait'
  | 'lease-acquire'
  | 'lease-release'
  | 'lease-get'
  | 'app';

/**
 * Client-side pacing to Fly's documented limits: 1 request/s per action with burst 3, Get
 * Machine 5/s with burst 10, keyed by machine, or by app for the actions that name no machine
 * (list, create, apps). A request waits for its token instead of drawing a 429.
 */
export interface MachinesRateLimitOptions {
  /**
   * Any other action on one machine (update, start, stop, wait, lease …). Default 1/s with burst
   * 3, refilled 10 % slower.
   */
  machineAction?: BucketLimit;
  /** Get Machine, per machine. Default 5/s with burst 10, refilled 10 % slower. */
  getMachine?: BucketLimit;
  /**
   * List, create and app calls, per app and action. Default 1/s with burst 2: the documented
   * rate, one token short of the documented burst.
   */
  appAction?: BucketLimit;
  clock?: Clock;
}

/** Keyed token buckets for the Machines API. */
export interface MachinesRateLimits {
  /** Resolves once a request for `action` on `app` (and `machineId`, when given) may go. */
  acquire(app: string, action: MachinesAction, machineId?: string): Promise<void>;
  /** Buckets currently held (idle, refilled ones are dropped). */
  size(): number;
}

/** Fly's documented limits; the action limit holds per app for actions that name no machine. */
export const FLY_MACHINE_ACTION_LIMIT: BucketLimit = { ratePerSecond: 1, burst: 3 };
export const FLY_GET_MACHINE_LIMIT: BucketLimit = { ratePerSecond: 5, burst: 10 };

/**
 * The API counts a request when it arrives, we when we send it, and network jitter between the
 * two would turn a request at exactly the documented pace into a 429. The default buckets keep
 * a margin for that. A machine's buckets see a few calls each, so they simply refill 10 % slower.
 * An app's buckets carry every create of the app, where 10 % would be 10 % of the wall time: they
 * keep the documented rate and leave one token of the burst unused instead, which absorbs up to
 * a second of jitter for the same long-run throughput.
 */
const HEADROOM = 0.9;
const withHeadroom = (limit: BucketLimit): BucketLimit => ({
  ...limit,
  ratePerSecond: limit.ratePerSecond * HEADROOM,
});
const DEFAULT_MACHINE_ACTION_LIMIT = withHeadroom(FLY_MACHINE_ACTION_LIMIT);
const DEFAULT_GET_MACHINE_LIMIT = withHeadroom(FLY_GET_MACHINE_LIMIT);
const DEFAULT_APP_ACTION_LIMIT: BucketLimit = {
  ...FLY_MACHINE_ACTION_LIMIT,
  burst: FLY_MACHINE_ACTION_LIMIT.burst - 1,
};

interface Bucket {
  limiter: RateLimiter;
  /** When a bucket that is idle for this long is full again and can be dropped. */
  refillMs: number;
  lastUsed: number;
  waiting: number;
}

const SWEEP_EVERY = 256;

export function createMachinesRateLimits(
  options: MachinesRateLimitOptions = {},
): MachinesRateLimits {
  const clock = options.clock ?? systemClock;
  const buckets = new Map<string, Bucket>();
  let calls = 0;

  const limitFor = (action: MachinesAction, machineId: string | undefined): BucketLimit => {
    if (machineId === undefined) return options.appAction ?? DEFAULT_APP_ACTION_LIMIT;
    if (action === 'get') return options.getMachine ?? DEFAULT_GET_MACHINE_LIMIT;
    return options.machineAction ?? DEFAULT_MACHINE_ACTION_LIMIT;
  };

  // Buckets are per machine, so drop the idle ones now and then to keep memory bounded.
  const sweep = (): void => {
    const now = clock.now();
    for (const [key, bucket] of buckets) {
      if (bucket.waiting === 0 && now - bucket.lastUsed >= bucket.refillMs) buckets.delete(key);
    }
  };

  return {
    async acquire(app, action, machineId) {
      if (++calls % SWEEP_EVERY === 0) sweep();
      const limit = limitFor(action, machineId);
      const key = `${app}\0${machineId ?? ''}\0${action}`;
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = {
          limiter: createRateLimiter({ ...limit, clock }),
          refillMs: Math.ceil((limit.burst / limit.ratePerSecond) * 1000),
          lastUsed: clock.now(),
          waiting: 0,
        };
        buckets.set(key, bucket);
      }
      bucket.waiting++;
      try {
        await bucket.limiter.acquire();
      } finally {
        bucket.waiting--;
        bucket.lastUsed = clock.now();
      }
    },
    size: () => buckets.size,
  };
}
