import { describe, expect, it } from 'vitest';
import { createControlledHandler } from './testing/controlled-handler.ts';
import { createFakeClock } from './testing/fake-clock.ts';
import { createWorkQueue } from './work-queue.ts';

function setup() {
  const clock = createFakeClock();
  const queue = createWorkQueue({ clock, concurrency: 2, backoff: { jitter: false } });
  const work = createControlledHandler();
  return { clock, queue, work };
}

function track(promise: Promise<void>): { done: boolean } {
  const state = { done: false };
  void promise.then(() => (state.done = true));
  return state;
}

describe('work queue lifecycle', () => {
  it('stop() waits for in-flight handlers, takes no new work and clears timers', async () => {
    const { clock, queue, work } = setup();
    queue.start(work.handler);
    queue.add('a');
    queue.add('b');
    queue.add('c');
    queue.addAfter('d', 1000);
    await clock.flush();
    const stopped = track(queue.stop());
    await clock.flush();
    expect(stopped.done).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
    queue.add('e');
    work.fail('a');
    await clock.flush();
    expect(stopped.done).toBe(false);
    work.finish('b');
    await clock.flush();
    expect(stopped.done).toBe(true);
    await clock.advance(10_000);
    expect(work.started).toEqual(['a', 'b']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('stop() gives up on in-flight handlers after timeoutMs', async () => {
    const { clock, queue, work } = setup();
    queue.start(work.handler);
    queue.add('stuck');
    await clock.flush();
    const stopped = track(queue.stop({ timeoutMs: 500 }));
    await clock.advance(499);
    expect(stopped.done).toBe(false);
    await clock.advance(1);
    expect(stopped.done).toBe(true);
    work.fail('stuck'); // a late failure is discarded
    await clock.advance(10_000);
    expect(work.started).toEqual(['stuck']);
  });

  it('stop() before start resolves at once and repeated stops share one promise', async () => {
    const { queue } = setup();
    const first = queue.stop();
    expect(queue.stop()).toBe(first);
    await first;
    expect(() => queue.start(async () => {})).toThrow(/already started/);
  });

  it('drained() waits for waiting, due and in-flight work, not for future delays', async () => {
    const { clock, queue, work } = setup();
    queue.addAfter('later', 60_000);
    await queue.drained();
    queue.add('a');
    queue.addAfter('b', 100);
    const drained = track(queue.drained());
    queue.start(work.handler);
    await clock.flush();
    work.finish('a');
    await clock.flush();
    expect(drained.done).toBe(true); // 'b' is due later: not waited for

    await clock.advance(100);
    const third = track(queue.drained());
    await clock.flush();
    expect(work.inFlight()).toEqual(['b']);
    expect(third.done).toBe(false);
    work.finish('b');
    await clock.flush();
    expect(third.done).toBe(true);
  });

  it('rejects a bad concurrency', () => {
    expect(() => createWorkQueue({ concurrency: 0 })).toThrow(RangeError);
  });
});
