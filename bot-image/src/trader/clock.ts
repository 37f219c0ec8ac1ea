/** The time source of the trader; injectable so tests and replays control it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** Waits `ms`, or less: it resolves as soon as `signal` aborts. Never rejects. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The machine's clock. */
export function createSystemClock(): Clock {
  return { now: () => Date.now() };
}

/** A timer-backed Sleep that resolves early on abort and leaves no timer behind. */
export function createTimerSleep(): Sleep {
  return (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    });
}
