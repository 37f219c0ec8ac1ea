import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../queue/testing/fake-clock.ts';
import { createMachinesRateLimits } from './machines-rate-limits.ts';
import type { MachinesAction, MachinesRateLimits } from './machines-rate-limits.ts';

/** Starts `n` acquires and reports how many have resolved so far. */
function acquireMany(
  limits: MachinesRateLimits,
  n: number,
  action: MachinesAction,
  machineId?: string,
): () => number {
  let done = 0;
  for (let i = 0; i < n; i++) {
    void limits.acquire('app', action, machineId).then(() => done++);
  }
  return () => done;
}

describe('machines rate limits', () => {
  it('allows a burst of 3 per machine action, then a little under 1 per second', async () => {
    const clock = createFakeClock();
    const limits = createMachinesRateLimits({ clock });
    const done = acquireMany(limits, 6, 'start', 'm1');
    await clock.flush();
    expect(done()).toBe(3);
    await clock.advance(1000);
    expect(done()).toBe(3);
    await clock.advance(112);
    expect(done()).toBe(4);
    await clock.advance(2223);
    expect(done()).toBe(6);
  });

  it('keys buckets by machine and by action', async () => {
    const clock = createFakeClock();
    const limits = createMachinesRateLimits({ clock });
    const m1Start = acquireMany(limits, 4, 'start', 'm1');
    const m1Stop = acquireMany(limits, 3, 'stop', 'm1');
    const m2Start = acquireMany(limits, 3, 'start', 'm2');
    await clock.flush();
    expect([m1Start(), m1Stop(), m2Start()]).toEqual([3, 3, 3]);
  });

  it('lets Get Machine burst to 10 at a little under 5 per second', async () => {
    const clock = createFakeClock();
    const limits = createMachinesRateLimits({ clock });
    const done = acquireMany(limits, 15, 'get', 'm1');
    await clock.flush();
    expect(done()).toBe(10);
    await clock.advance(667);
    expect(done()).toBe(13);
    await clock.advance(445);
    expect(done()).toBe(15);
  });

  it('takes custom limits as given', async () => {
    const clock = createFakeClock();
    const limits = createMachinesRateLimits({
      clock,
      machineAction: { ratePerSecond: 1, burst: 1 },
    });
    const done = acquireMany(limits, 2, 'stop', 'm1');
    await clock.advance(1000);
    expect(done()).toBe(2);
  });

  it('paces app-scoped actions per app and action at 1/s, one token short of the burst', async () => {
    const clock = createFakeClock();
    const limits = createMachinesRateLimits({ clock });
    const creates = acquireMany(limits, 5, 'create');
    const lists = acquireMany(limits, 2, 'list');
    let otherApp = 0;
    void limits.acquire('other', 'create').then(() => otherApp++);
    await clock.flush();
    expect([creates(), lists(), otherApp]).toEqual([2, 2, 1]);
    await clock.advance(999);
    expect(creates()).toBe(2);
    await clock.advance(1);
    expect(creates()).toBe(3);
    await clock.advance(2000);
    expect(creates()).toBe(5);
  });

  it('paces app-scoped actions per app with their own limit', async () => {
    const clock = createFakeClock();
    const limits = createMachinesRateLimits({ clock, appAction: { ratePerSecond: 2, burst: 2 } });
    const done = acquireMany(limits, 3, 'list');
    await clock.flush();
    expect(done()).toBe(2);
    await clock.advance(500);
    expect(done()).toBe(3);
  });

  it('drops idle buckets once they would be full again', async () => {
    const clock = createFakeClock();
    const limits = createMachinesRateLimits({ clock });
    for (let i = 0; i < 200; i++) await limits.acquire('app', 'start', `m${i}`);
    expect(limits.size()).toBe(200);
    await clock.advance(3334);
    // The 256th acquire sweeps: the 200 refilled buckets go, the fresh ones stay.
    for (let i = 0; i < 56; i++) await limits.acquire('app', 'stop', `n${i}`);
    expect(limits.size()).toBe(56);
  });
});
