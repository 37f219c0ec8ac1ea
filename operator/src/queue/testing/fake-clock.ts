import type { Clock, TimerHandle } from '../clock.ts';

/** A manual clock for tests: time moves only when `advance` is called. */
export interface FakeClock extends Clock {
  /**
   * Moves time forward by `ms`, firing due timers in due order (each sees `now()` at its due
   * time) and letting promise callbacks settle before and after each timer, so async work
   * started by a timer can schedule the next one within the same advance.
   */
  advance(ms: number): Promise<void>;
  /** Lets pending promise callbacks run without moving time. */
  flush(): Promise<void>;
  /** Timers scheduled and neither fired nor cleared. */
  pendingTimers(): number;
}

export interface FakeClockOptions {
  /** Start time in epoch ms (default 0). */
  now?: number;
  /** Source for `random()` (default: a fixed-seed PRNG, so runs repeat). */
  random?: () => number;
}

interface FakeTimer {
  dueAt: number;
  seq: number;
  fn: () => void;
}

export function createFakeClock(options: FakeClockOptions = {}): FakeClock {
  let now = options.now ?? 0;
  let seq = 0;
  const timers = new Map<TimerHandle, FakeTimer>();
  const random = options.random ?? seededRandom(42);

  // A macrotask turn: every queued microtask (promise callback) runs before it.
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

  const nextDue = (until: number): [TimerHandle, FakeTimer] | undefined => {
    let best: [TimerHandle, FakeTimer] | undefined;
    for (const entry of timers) {
      const t = entry[1];
      if (t.dueAt > until) continue;
      if (!best || t.dueAt < best[1].dueAt || (t.dueAt === best[1].dueAt && t.seq < best[1].seq)) {
        best = entry;
      }
    }
    return best;
  };

  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = { seq: ++seq };
      const delay = Number.isFinite(ms) ? Math.max(0, ms) : ms > 0 ? Infinity : 0;
      timers.set(id, { dueAt: now + delay, seq: id.seq, fn });
      return id;
    },
    clearTimeout(handle: TimerHandle) {
      timers.delete(handle);
    },
    random,
    async advance(ms) {
      const target = now + Math.max(0, ms);
      await flush();
      for (let due = nextDue(target); due; due = nextDue(target)) {
        const [id, timer] = due;
        timers.delete(id);
        now = Math.max(now, timer.dueAt);
        timer.fn();
        await flush();
      }
      now = target;
      await flush();
    },
    flush,
    pendingTimers: () => timers.size,
  };
}

/** mulberry32: a tiny deterministic PRNG in [0, 1). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
