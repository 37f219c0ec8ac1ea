import { setTimeout as sleep } from 'node:timers/promises';
import { BackendUnavailableError } from '../../reconcile/errors.ts';

/** Latency added to every call: a fixed delay, or uniform between `min` and `max`. */
export type FakeLatency = number | { min: number; max: number };

/** Faults the fake runtime injects into every call; all off by default. */
export interface FakeFaults {
  /** Share of calls (0..1) that throw BackendUnavailableError before doing anything. */
  errorRatio: number;
  /**
   * Share of mutating calls (0..1) that take effect and then throw BackendUnavailableError, like
   * a response lost on the way back: the caller cannot tell whether the call happened.
   */
  lostResponseRatio: number;
  latencyMs: FakeLatency;
  /** Every call throws BackendUnavailableError. */
  outage: boolean;
}

/** Reads and changes the faults while the runtime is in use. */
export interface FaultControl {
  get(): Readonly<FakeFaults>;
  set(faults: Partial<FakeFaults>): void;
  /** Back to no faults. */
  clear(): void;
}

const NO_FAULTS: FakeFaults = { errorRatio: 0, lostResponseRatio: 0, latencyMs: 0, outage: false };

/** mulberry32: a small, fast, seedable PRNG returning [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The fault injector behind the fake runtime. */
export interface FaultInjector {
  control: FaultControl;
  /** Waits the latency, then throws if this call fails before taking effect. */
  before(method: string): Promise<void>;
  /** Throws if this (mutating) call's response is lost after taking effect. */
  after(method: string): void;
}

/** A fault injector starting from `initial`, its randomness seeded for reproducible runs. */
export function createFaultInjector(initial: Partial<FakeFaults>, seed: number): FaultInjector {
  const random = seededRandom(seed);
  let faults: FakeFaults = { ...NO_FAULTS, ...initial };
  const control: FaultControl = {
    get: () => ({ ...faults }),
    set: (patch) => {
      faults = { ...faults, ...patch };
    },
    clear: () => {
      faults = { ...NO_FAULTS };
    },
  };
  const latency = (): number => {
    const { latencyMs } = faults;
    if (typeof latencyMs === 'number') return latencyMs;
    return latencyMs.min + random() * (latencyMs.max - latencyMs.min);
  };
  return {
    control,
    async before(method) {
      const delay = latency();
      if (delay > 0) await sleep(delay);
      if (faults.outage) throw new BackendUnavailableError(`fake: ${method}: backend outage`);
      if (faults.errorRatio > 0 && random() < faults.errorRatio) {
        throw new BackendUnavailableError(`fake: ${method}: injected failure`);
      }
    },
    after(method) {
      if (faults.lostResponseRatio > 0 && random() < faults.lostResponseRatio) {
        throw new BackendUnavailableError(`fake: ${method}: response lost`);
      }
    },
  };
}
