/** An opaque timer handle returned by `Clock.setTimeout`. */
export type TimerHandle = object;

/**
 * Time, timers and randomness, injected so queue, rate-limiter and breaker tests are
 * deterministic (see `testing/fake-clock.ts`). `now()` is in epoch milliseconds.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** A number in [0, 1), like Math.random. */
  random(): number;
}

/** Node caps a single timer at 2^31-1 ms (~24.8 days) and fires longer ones after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface SystemTimer {
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** The real clock: Date.now, Node timers (chained past Node's 24.8-day limit), Math.random. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle: SystemTimer = { timer: undefined };
    const arm = (remaining: number): void => {
      const step = Math.min(remaining, MAX_TIMER_MS);
      handle.timer = setTimeout(() => (remaining > step ? arm(remaining - step) : fn()), step);
    };
    arm(Number.isFinite(ms) ? Math.max(0, ms) : ms > 0 ? Infinity : 0);
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout((handle as SystemTimer).timer);
  },
  random: () => Math.random(),
};
