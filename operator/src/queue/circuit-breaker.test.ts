import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from './circuit-breaker.ts';
import type { CircuitState } from './circuit-breaker.ts';
import { createFakeClock } from './testing/fake-clock.ts';

function setup() {
  const clock = createFakeClock();
  const breaker = createCircuitBreaker({ failureThreshold: 3, openMs: 1000, clock });
  const changes: Array<[CircuitState, CircuitState]> = [];
  breaker.onStateChange((state, previous) => changes.push([previous, state]));
  return { clock, breaker, changes };
}

describe('createCircuitBreaker', () => {
  it('opens after N consecutive failures; a success in between resets the count', () => {
    const { breaker, changes } = setup();
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state()).toBe('closed');
    expect(breaker.canRequest()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state()).toBe('open');
    expect(breaker.canRequest()).toBe(false);
    expect(changes).toEqual([['closed', 'open']]);
  });

  it('turns half-open after openMs, lets one probe through, and closes on its success', async () => {
    const { clock, breaker, changes } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    await clock.advance(999);
    expect(breaker.state()).toBe('open');
    await clock.advance(1);
    expect(changes.at(-1)).toEqual(['open', 'half-open']); // by timer, without being asked
    expect(breaker.canRequest()).toBe(true);
    expect(breaker.canRequest()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state()).toBe('closed');
    expect(breaker.canRequest()).toBe(true);
    expect(changes.at(-1)).toEqual(['half-open', 'closed']);
  });

  it('reopens when the probe fails, and replaces a probe whose outcome never came', async () => {
    const { clock, breaker } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    await clock.advance(1000);
    expect(breaker.canRequest()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state()).toBe('open');
    expect(breaker.canRequest()).toBe(false);
    await clock.advance(1000);
    expect(breaker.canRequest()).toBe(true);
    await clock.advance(999);
    expect(breaker.canRequest()).toBe(false);
    await clock.advance(1);
    expect(breaker.canRequest()).toBe(true);
  });

  it('stops notifying an unsubscribed listener', () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker({ failureThreshold: 1, openMs: 10, clock });
    const seen: CircuitState[] = [];
    const unsubscribe = breaker.onStateChange((state) => seen.push(state));
    breaker.recordFailure();
    unsubscribe();
    breaker.recordSuccess();
    expect(seen).toEqual(['open']);
  });
});
