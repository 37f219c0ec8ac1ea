import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from './clock.ts';

describe('systemClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('chains timers past Node’s 24.8-day limit instead of firing early', () => {
    vi.useFakeTimers();
    let fired = 0;
    systemClock.setTimeout(() => fired++, 2 ** 31 + 1000);
    vi.advanceTimersByTime(2 ** 31 - 1);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
  });

  it('clears a chained timer at any stage', () => {
    vi.useFakeTimers();
    let fired = 0;
    const handle = systemClock.setTimeout(() => fired++, 2 ** 31 + 1000);
    vi.advanceTimersByTime(2 ** 31);
    systemClock.clearTimeout(handle);
    vi.advanceTimersByTime(2 ** 32);
    expect(fired).toBe(0);
  });
});
