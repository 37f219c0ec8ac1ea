import { Histogram, type Registry } from 'prom-client';
import type { CircuitBreaker } from '../queue/circuit-breaker.ts';
import type { RateLimiter } from '../queue/rate-limiter.ts';
import { BackendUnavailableError } from '../reconcile/errors.ts';
import type { BotRuntime } from './runtime.ts';

/** What guards every call to a runtime's backend. */
export interface RuntimeGuards {
  /** Runtime-wide breaker: opened by consecutive backend failures, fails calls fast while open. */
  breaker: CircuitBreaker;
  /** Global rate limit for backend calls. */
  limiter?: RateLimiter;
  registry?: Registry;
}

type Operation = 'observe' | 'list' | 'create' | 'start' | 'stop' | 'update' | 'destroy';

/**
 * Wraps a runtime so that every call waits for the rate limiter, is refused with
 * BackendUnavailableError while the breaker is open, feeds the breaker (only backend failures
 * count: a Stalled or Waiting error is an answer, not an outage), and is timed in
 * `hmmtrade_runtime_request_duration_seconds{backend,operation,outcome}`.
 */
export function guardRuntime(runtime: BotRuntime, guards: RuntimeGuards): BotRuntime {
  const latency = guards.registry
    ? new Histogram({
        name: 'hmmtrade_runtime_request_duration_seconds',
        help: 'Latency of runtime backend calls',
        labelNames: ['backend', 'operation', 'outcome'],
        buckets: [0.001, 0.005, 0.025, 0.1, 0.25, 1, 2.5, 10, 30],
        registers: [guards.registry],
      })
    : undefined;

  const call = async <T>(operation: Operation, run: () => Promise<T>): Promise<T> => {
    if (!guards.breaker.canRequest()) {
      throw new BackendUnavailableError(`${runtime.backend} circuit breaker is open`);
    }
    await guards.limiter?.acquire();
    const started = performance.now();
    let outcome = 'ok';
    try {
      const result = await run();
      guards.breaker.recordSuccess();
      return result;
    } catch (error) {
      if (error instanceof BackendUnavailableError) {
        outcome = 'unavailable';
        guards.breaker.recordFailure();
      } else {
        outcome = 'error';
        guards.breaker.recordSuccess();
      }
      throw error;
    } finally {
      latency?.observe(
        { backend: runtime.backend, operation, outcome },
        (performance.now() - started) / 1000,
      );
    }
  };

  return {
    backend: runtime.backend,
    observe: (botId) => call('observe', () => runtime.observe(botId)),
    list: () => call('list', () => runtime.list()),
    create: (desired) => call('create', () => runtime.create(desired)),
    start: (botId) => call('start', () => runtime.start(botId)),
    stop: (botId, options) => call('stop', () => runtime.stop(botId, options)),
    update: (desired) => call('update', () => runtime.update(desired)),
    destroy: (botId) => call('destroy', () => runtime.destroy(botId)),
    // Unguarded: filling a cache is not a call the breaker should count or refuse.
    ...(runtime.watch ? { watch: runtime.watch.bind(runtime) } : {}),
    ...(runtime.close ? { close: runtime.close.bind(runtime) } : {}),
  };
}
