import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '@hmmtrade/platform';
import { createCircuitBreaker } from '../queue/circuit-breaker.ts';
import { createFakeClock } from '../queue/testing/fake-clock.ts';
import { BackendUnavailableError, StalledError } from '../reconcile/errors.ts';
import { createFakeRuntime } from './fake/fake-runtime.ts';
import { guardRuntime } from './guarded-runtime.ts';

describe('guardRuntime', () => {
  function setup() {
    const clock = createFakeClock();
    const fake = createFakeRuntime();
    const breaker = createCircuitBreaker({ failureThreshold: 3, openMs: 1_000, clock });
    const registry = createMetricsRegistry({ defaultMetrics: false });
    return { clock, fake, breaker, registry, runtime: guardRuntime(fake, { breaker, registry }) };
  }

  it('opens the breaker after consecutive outages and then fails fast without calling the backend', async () => {
    const { fake, breaker, runtime } = setup();
    fake.faults.set({ outage: true });
    for (let i = 0; i < 3; i++)
      await expect(runtime.observe('b')).rejects.toThrow(BackendUnavailableError);
    expect(breaker.state()).toBe('open');
    fake.resetCalls();
    await expect(runtime.observe('b')).rejects.toThrow('fake circuit breaker is open');
    expect(fake.calls.observe).toBe(0);
  });

  it('lets a probe through after the open period and closes on success', async () => {
    const { clock, fake, breaker, runtime } = setup();
    fake.faults.set({ outage: true });
    for (let i = 0; i < 3; i++)
      await expect(runtime.list()).rejects.toThrow(BackendUnavailableError);
    fake.faults.clear();
    await clock.advance(1_000);
    await expect(runtime.observe('b')).resolves.toBeNull();
    expect(breaker.state()).toBe('closed');
  });

  it('does not count answers such as Stalled as outages', async () => {
    const { fake, breaker, runtime } = setup();
    const stalled = { ...fake, observe: () => Promise.reject(new StalledError('bad image')) };
    const guarded = guardRuntime(stalled, { breaker });
    for (let i = 0; i < 5; i++) await expect(guarded.observe('b')).rejects.toThrow(StalledError);
    expect(breaker.state()).toBe('closed');
    expect(runtime.backend).toBe('fake');
  });

  it('times every call by backend, operation and outcome', async () => {
    const { runtime, registry } = setup();
    await runtime.observe('b');
    const text = await registry.getSingleMetricAsString(
      'hmmtrade_runtime_request_duration_seconds',
    );
    expect(text).toMatch(
      /hmmtrade_runtime_request_duration_seconds_count\{backend="fake",operation="observe",outcome="ok"\} 1/,
    );
  });
});
