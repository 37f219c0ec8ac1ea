import { systemClock } from './clock.ts';
import type { Clock, TimerHandle } from './clock.ts';

export type CircuitState = 'closed' | 'open' | 'half-open';

/** Settings for `createCircuitBreaker`. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (≥ 1). */
  failureThreshold: number;
  /** How long the circuit stays open before letting one probe through. */
  openMs: number;
  clock?: Clock;
}

/**
 * A runtime-wide breaker: opens after `failureThreshold` consecutive backend failures; after
 * `openMs` it turns half-open and lets one probe through; the probe's success closes it and its
 * failure opens it again. A probe whose outcome is never recorded is replaced after `openMs`.
 */
export interface CircuitBreaker {
  state(): CircuitState;
  /** Whether a call may go to the backend now; in half-open, true once per probe. */
  canRequest(): boolean;
  recordSuccess(): void;
  recordFailure(): void;
  /** Calls `listener` on every transition; returns a function that unsubscribes it. */
  onStateChange(listener: (state: CircuitState, previous: CircuitState) => void): () => void;
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const { failureThreshold, openMs } = options;
  const clock = options.clock ?? systemClock;
  if (!(Number.isInteger(failureThreshold) && failureThreshold >= 1)) {
    throw new RangeError(
      `breaker failureThreshold must be an integer >= 1, got ${failureThreshold}`,
    );
  }
  if (!(openMs >= 0 && Number.isFinite(openMs))) {
    throw new RangeError(`breaker openMs must be a finite number >= 0, got ${openMs}`);
  }
  let current: CircuitState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probeAt: number | undefined; // when the half-open probe was let through
  let timer: TimerHandle | undefined;
  const listeners = new Set<(state: CircuitState, previous: CircuitState) => void>();

  function transition(next: CircuitState): void {
    if (next === current) return;
    const previous = current;
    current = next;
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    probeAt = undefined;
    failures = 0;
    if (next === 'open') {
      openedAt = clock.now();
      // The timer makes the half-open transition (and its listeners) timely; refresh() below
      // makes it exact when a timer runs late.
      timer = clock.setTimeout(refresh, openMs);
    }
    for (const listener of [...listeners]) listener(next, previous);
  }

  function refresh(): void {
    if (current === 'open' && clock.now() - openedAt >= openMs) transition('half-open');
  }

  return {
    state() {
      refresh();
      return current;
    },
    canRequest() {
      refresh();
      if (current === 'closed') return true;
      if (current === 'open') return false;
      if (probeAt !== undefined && clock.now() - probeAt < openMs) return false;
      probeAt = clock.now();
      return true;
    },
    recordSuccess() {
      refresh();
      if (current === 'half-open') transition('closed');
      else if (current === 'closed') failures = 0;
    },
    recordFailure() {
      refresh();
      if (current === 'half-open') transition('open');
      else if (current === 'closed' && ++failures >= failureThreshold) transition('open');
    },
    onStateChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
