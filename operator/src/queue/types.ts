import type { BackoffOptions } from './backoff.ts';
import type { Clock } from './clock.ts';
import type { QueueMetrics } from './queue-metrics.ts';

/** Settings for `createWorkQueue`. */
export interface WorkQueueOptions {
  /** Max keys processed at once (default 4). */
  concurrency?: number;
  /**
   * Per-key failure backoff: base (default 100 ms), cap (default 5 min), full jitter
   * (default on).
   */
  backoff?: BackoffOptions;
  /**
   * Injected clock and timers so tests are deterministic: now(), setTimeout/clearTimeout,
   * random(). Defaults to the system clock.
   */
  clock?: Clock;
  /** Optional prom-client metrics from `createQueueMetrics`. */
  metrics?: QueueMetrics;
  /** The `name` label, e.g. 'tradingbot'; must match `metrics.name` when both are given. */
  name?: string;
}

/**
 * What a handler returns: done (forget backoff), requeue after ms (no failure counted, backoff
 * forgotten), or it throws (failure → backoff).
 */
export type WorkResult = { requeueAfterMs?: number } | void;

/** Processes one key; level-triggered, so it re-reads everything it needs. */
export type WorkHandler = (key: string) => Promise<WorkResult>;

export type Priority = 'normal' | 'low';

/**
 * A keyed, rate-limited work queue in the shape of client-go's (DESIGN §4). Keys carry only an
 * id; a key is never processed by two workers at once, and duplicates coalesce.
 */
export interface WorkQueue {
  readonly name: string;
  /**
   * Coalesces: a key waiting is not added twice; a key being processed is marked dirty and
   * re-run once after it finishes. Ignored once stopping. A `low` key runs only when no normal
   * one waits (controller-runtime's priority queue): observations of work already done, such
   * as a pod turning Running, must not delay a bot that has nothing yet. Adding a waiting low
   * key as normal moves it up.
   */
  add(key: string, priority?: Priority): void;
  /** Adds `key` after `delayMs` (≤ 0: now); the earliest wins if added again. */
  addAfter(key: string, delayMs: number): void;
  /**
   * Starts processing with `handler` until stop(); returns at once. Keys added before start
   * wait for it. Throws if called twice.
   */
  start(handler: WorkHandler): void;
  /**
   * Stops taking new work, clears timers, and waits for in-flight handlers (at most `timeoutMs`
   * when given; results arriving later are discarded). Keys still waiting are dropped.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** Keys waiting to run now (not counting delayed or in-flight). */
  depth(): number;
  /**
   * Resolves when nothing is waiting, delayed-to-now, or in flight, or the queue has stopped
   * (for tests and benchmarks).
   */
  drained(): Promise<void>;
  /** Forget a key's failure count (e.g. its spec changed). */
  forget(key: string): void;
  failures(key: string): number;
}
