/** Per-key failure backoff settings (DESIGN §4). */
export interface BackoffOptions {
  /** Delay after the first failure (default 100 ms). */
  baseMs?: number;
  /** Upper bound on the delay (default 5 min). */
  maxMs?: number;
  /** Full jitter: a uniform delay in [0, computed] (default on), so retries spread out. */
  jitter?: boolean;
}

/** Counts failures per key and says how long to wait before the next try. */
export interface Backoff {
  /** Records a failure of `key` and returns the delay before retrying it. */
  next(key: string): number;
  forget(key: string): void;
  failures(key: string): number;
}

function resolve(options: BackoffOptions): Required<BackoffOptions> {
  return {
    baseMs: options.baseMs ?? 100,
    maxMs: options.maxMs ?? 5 * 60_000,
    jitter: options.jitter ?? true,
  };
}

/**
 * The delay after the `failures`-th consecutive failure: `min(maxMs, baseMs * 2^(failures-1))`,
 * or with jitter a whole number of ms drawn uniformly from [0, that].
 */
export function backoffDelay(
  failures: number,
  options: BackoffOptions,
  random: () => number,
): number {
  const { baseMs, maxMs, jitter } = resolve(options);
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  if (!jitter) return ceiling;
  return Math.min(ceiling, Math.floor(random() * (ceiling + 1)));
}

export function createBackoff(options: BackoffOptions = {}, random: () => number): Backoff {
  const { baseMs, maxMs } = resolve(options);
  if (!(baseMs >= 0 && Number.isFinite(baseMs))) {
    throw new RangeError(`backoff baseMs must be a finite number >= 0, got ${baseMs}`);
  }
  if (!(maxMs >= baseMs)) {
    throw new RangeError(`backoff maxMs must be >= baseMs (${baseMs}), got ${maxMs}`);
  }
  const counts = new Map<string, number>();
  return {
    next(key) {
      const failures = (counts.get(key) ?? 0) + 1;
      counts.set(key, failures);
      return backoffDelay(failures, options, random);
    },
    forget: (key) => void counts.delete(key),
    failures: (key) => counts.get(key) ?? 0,
  };
}
