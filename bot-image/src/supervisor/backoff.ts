/** Exponential backoff: `initialMs · 2^attempt`, capped at `maxMs`, then jittered. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000 };

/** Longest `Retry-After` honoured, so a confused server cannot park the bot for hours. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * The wait before retry number `attempt` (0-based): the capped exponential, jittered down by up
 * to a half so that many bots restarted together do not retry in lockstep. A server's
 * `Retry-After` wins when it is given.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), MAX_RETRY_AFTER_MS);
  const capped = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(capped * (0.5 + random() / 2));
}

/** `4s`, `1.5s`, `250ms`: how long a wait is, for a person. */
export function formatDelay(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const tenths = Math.round(ms / 100) / 10;
  return `${tenths}s`;
}

/** A wake-up call for a loop that otherwise sleeps; see createWaker. */
export interface Waker {
  /** Ends the current (or the next) `sleep` early. */
  wake(): void;
  /** Resolves after `ms` or at the first `wake()`, whichever comes first. */
  sleep(ms: number): Promise<void>;
}

/** A waker for one loop (one sleeper at a time); a wake with no sleeper is remembered. */
export function createWaker(): Waker {
  let woken = false;
  let release: (() => void) | undefined;
  return {
    wake() {
      woken = true;
      release?.();
    },
    async sleep(ms) {
      if (!woken) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, ms);
          function done() {
            clearTimeout(timer);
            release = undefined;
            resolve();
          }
          release = done;
        });
      }
      woken = false;
    },
  };
}
