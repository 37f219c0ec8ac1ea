import { createBackoff } from './backoff.ts';
import { systemClock } from './clock.ts';
import type { TimerHandle } from './clock.ts';
import type { Priority, WorkHandler, WorkQueue, WorkQueueOptions, WorkResult } from './types.ts';

export type { Priority, WorkHandler, WorkQueue, WorkQueueOptions, WorkResult } from './types.ts';

type Outcome = { ok: true; result: WorkResult } | { ok: false };

export function createWorkQueue(options: WorkQueueOptions = {}): WorkQueue {
  const clock = options.clock ?? systemClock;
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`work queue concurrency must be an integer >= 1, got ${concurrency}`);
  }
  const metrics = options.metrics;
  if (metrics && options.name !== undefined && options.name !== metrics.name) {
    throw new Error(
      `work queue name '${options.name}' differs from its metrics' '${metrics.name}'`,
    );
  }
  const name = options.name ?? metrics?.name ?? 'workqueue';
  const backoff = createBackoff(options.backoff, () => clock.random());

  const ready = new Set<string>(); // a Set iterates in insertion order: FIFO
  const background = new Set<string>(); // low priority, FIFO, taken when `ready` is empty
  const processing = new Map<string, number>(); // key → start time
  const dirty = new Set<string>(); // added while processing: re-run once it finishes
  const addedAt = new Map<string, number>();
  const delayed = new Map<string, { dueAt: number; timer: TimerHandle }>();
  let handler: WorkHandler | undefined;
  let phase: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  let stopping: Promise<void> | undefined;
  let drainWaiters: Array<() => void> = [];
  let idleWaiters: Array<() => void> = [];

  const seconds = (ms: number) => Math.max(0, ms) / 1000;
  metrics?.track(() => {
    const now = clock.now();
    let unfinishedSeconds = 0;
    let longestSeconds = 0;
    for (const startedAt of processing.values()) {
      unfinishedSeconds += seconds(now - startedAt);
      longestSeconds = Math.max(longestSeconds, seconds(now - startedAt));
    }
    return { unfinishedSeconds, longestSeconds };
  });

  const accepting = () => phase === 'idle' || phase === 'running';

  function add(key: string, priority: Priority = 'normal'): void {
    if (!accepting() || ready.has(key) || dirty.has(key)) return;
    if (background.has(key)) {
      if (priority === 'low') return;
      background.delete(key);
      ready.add(key);
      pump();
      return;
    }
    metrics?.added();
    if (!addedAt.has(key)) addedAt.set(key, clock.now());
    if (processing.has(key)) {
      dirty.add(key);
      return;
    }
    (priority === 'low' ? background : ready).add(key);
    pump();
  }

  function addAfter(key: string, delayMs: number): void {
    if (!accepting()) return;
    if (!(delayMs > 0)) return add(key);
    const dueAt = clock.now() + delayMs;
    const pending = delayed.get(key);
    if (pending) {
      if (pending.dueAt <= dueAt) return;
      clock.clearTimeout(pending.timer);
    }
    const timer = clock.setTimeout(() => {
      delayed.delete(key);
      add(key);
      settle();
    }, delayMs);
    delayed.set(key, { dueAt, timer });
  }

  function pump(): void {
    const run = handler;
    if (phase === 'running' && run) {
      for (let key = next(); key !== undefined && processing.size < concurrency; key = next()) {
        ready.delete(key);
        background.delete(key);
        void work(key, run);
      }
    }
    if (accepting()) metrics?.depth(waiting());
  }

  async function work(key: string, run: WorkHandler): Promise<void> {
    const startedAt = clock.now();
    processing.set(key, startedAt);
    metrics?.started(seconds(startedAt - (addedAt.get(key) ?? startedAt)));
    addedAt.delete(key);
    let outcome: Outcome;
    try {
      await Promise.resolve(); // never run a handler inside the caller's add()
      outcome = { ok: true, result: await run(key) };
    } catch {
      // The handler reports its own errors; the queue only needs to know that it failed.
      outcome = { ok: false };
    }
    if (processing.get(key) !== startedAt) return; // stop() timed out and gave up on this run
    processing.delete(key);
    metrics?.finished(seconds(clock.now() - startedAt));
    if (phase === 'running') requeue(key, outcome);
    dirty.delete(key);
    pump();
    settle();
  }

  function requeue(key: string, outcome: Outcome): void {
    if (!outcome.ok) {
      metrics?.retried();
      addAfter(key, backoff.next(key));
    } else {
      // As controller-runtime: a requeue-after is a success, so it also resets the backoff.
      backoff.forget(key);
      const after = outcome.result?.requeueAfterMs;
      if (typeof after === 'number' && !Number.isNaN(after)) addAfter(key, after);
    }
    if (dirty.has(key)) ready.add(key);
  }

  const next = () => first(ready) ?? first(background);
  const waiting = () => ready.size + background.size;

  function isDrained(): boolean {
    if (phase === 'stopped') return true;
    if (waiting() > 0 || processing.size > 0) return false;
    const now = clock.now();
    for (const { dueAt } of delayed.values()) if (dueAt <= now) return false;
    return true;
  }

  function settle(): void {
    if (processing.size === 0 && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
    if (drainWaiters.length > 0 && isDrained()) {
      const waiters = drainWaiters;
      drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  async function shutdown(timeoutMs: number | undefined): Promise<void> {
    phase = 'stopping';
    for (const { timer } of delayed.values()) clock.clearTimeout(timer);
    delayed.clear();
    ready.clear();
    background.clear();
    addedAt.clear();
    // Metrics may be shared with a successor queue (a new leadership term): report once, now.
    metrics?.depth(0);
    if (processing.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = timeoutMs === undefined ? undefined : clock.setTimeout(resolve, timeoutMs);
        idleWaiters.push(() => {
          if (timer !== undefined) clock.clearTimeout(timer);
          resolve();
        });
      });
    }
    phase = 'stopped';
    processing.clear();
    dirty.clear();
    settle();
  }

  return {
    name,
    add,
    addAfter,
    start(run) {
      if (phase !== 'idle') throw new Error(`work queue '${name}' was already started`);
      handler = run;
      phase = 'running';
      pump();
    },
    stop(stopOptions = {}) {
      stopping ??= shutdown(stopOptions.timeoutMs);
      return stopping;
    },
    depth: waiting,
    drained() {
      return new Promise<void>((resolve) => {
        drainWaiters.push(resolve);
        settle();
      });
    },
    forget: (key) => backoff.forget(key),
    failures: (key) => backoff.failures(key),
  };
}

function first(keys: Set<string>): string | undefined {
  for (const key of keys) return key;
  return undefined;
}
