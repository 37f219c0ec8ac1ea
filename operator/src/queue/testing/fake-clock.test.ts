import { describe, expect, it } from 'vitest';
import { createFakeClock } from './fake-clock.ts';

describe('createFakeClock', () => {
  it('fires due timers in order, each at its due time, and cancels cleared ones', async () => {
    const clock = createFakeClock({ now: 1000 });
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 20);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 10);
    const cleared = clock.setTimeout(() => fired.push(['x', clock.now()]), 5);
    clock.clearTimeout(cleared);
    clock.setTimeout(() => fired.push(['late', clock.now()]), 100);

    await clock.advance(50);

    expect(fired).toEqual([
      ['a', 1010],
      ['b', 1020],
    ]);
    expect(clock.now()).toBe(1050);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('runs timers scheduled by async work within the same advance', async () => {
    const clock = createFakeClock();
    const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
    const times: number[] = [];
    const loop = async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(10);
        times.push(clock.now());
      }
    };
    const done = loop();
    await clock.advance(30);
    await done;
    expect(times).toEqual([10, 20, 30]);
  });

  it('has a repeatable random() unless one is injected', () => {
    const a = createFakeClock();
    const b = createFakeClock();
    const sequence = [a.random(), a.random(), a.random()];
    expect([b.random(), b.random(), b.random()]).toEqual(sequence);
    for (const r of sequence) expect(r >= 0 && r < 1).toBe(true);
    expect(createFakeClock({ random: () => 0.25 }).random()).toBe(0.25);
  });
});
