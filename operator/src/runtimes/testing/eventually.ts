import { setTimeout as sleep } from 'node:timers/promises';

/** Bounds for `eventually`. */
export interface EventuallyOptions {
  /** Give up after this long (default 5 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 10 ms). */
  intervalMs?: number;
}

/**
 * Retries `fn` until it returns without throwing (assertions included) and returns its result;
 * after `timeoutMs` rethrows the last failure. For runtimes that converge asynchronously
 * (pending → running): a bounded poll instead of a fixed sleep.
 */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  options: EventuallyOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await sleep(intervalMs);
  }
}
