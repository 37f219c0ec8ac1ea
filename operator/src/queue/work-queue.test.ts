import { describe, expect, it } from 'vitest';
import { createControlledHandler } from './testing/controlled-handler.ts';
import { createFakeClock } from './testing/fake-clock.ts';
import { createWorkQueue } from './work-queue.ts';
import type { WorkQueueOptions } from './types.ts';

function setup(options: WorkQueueOptions = {}) {
  const clock = createFakeClock();
  const queue = createWorkQueue({ clock, backoff: { jitter: false }, ...options });
  const work = createControlledHandler();
  return { clock, queue, work, settle: () => clock.flush() };
}

describe('createWorkQueue', () => {
  it('coalesces duplicate adds of a waiting key', async () => {
    const { queue, work, settle } = setup();
    queue.add('a');
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.depth()).toBe(2);
    queue.start(work.handler);
    await settle();
    expect(work.started).toEqual(['a', 'b']);
    expect(queue.depth()).toBe(0);
  });

  it('re-runs a key added during processing once, after it finishes, never concurrently', async () => {
    const { queue, work, settle } = setup();
    queue.start(work.handler);
    queue.add('a');
    await settle();
    queue.add('a');
    queue.add('a');
    await settle();
    expect(work.inFlight()).toEqual(['a']);
    expect(queue.depth()).toBe(0);
    work.finish('a');
    await settle();
    expect(work.started).toEqual(['a', 'a']);
    work.finish('a');
    await settle();
    expect(work.started).toEqual(['a', 'a']);
  });

  it('runs low-priority keys only when no normal key waits, and moves one up when added as normal', async () => {
    const { queue, work, settle } = setup({ concurrency: 1 });
    queue.add('seen-1', 'low');
    queue.add('seen-2', 'low');
    queue.add('seen-3', 'low');
    queue.add('new-1');
    queue.add('seen-3');
    queue.add('new-2', 'low');
    queue.add('new-2');
    queue.add('new-1', 'low');
    expect(queue.depth()).toBe(5);
    queue.start(work.handler);
    for (let i = 0; i < 5; i++) {
      await settle();
      work.finish(work.inFlight()[0]!);
    }
    await settle();
    expect(work.started).toEqual(['new-1', 'seen-3', 'new-2', 'seen-1', 'seen-2']);
    expect(queue.depth()).toBe(0);
  });

  it('never runs the handler inside the caller’s add()', async () => {
    const { queue, work, settle } = setup();
    queue.start(work.handler);
    queue.add('a');
    expect(work.started).toEqual([]);
    await settle();
    expect(work.started).toEqual(['a']);
  });

  it('runs at most `concurrency` keys at once', async () => {
    const { queue, work, settle } = setup({ concurrency: 2 });
    queue.start(work.handler);
    for (const key of ['a', 'b', 'c', 'd', 'e']) queue.add(key);
    await settle();
    expect(work.inFlight()).toEqual(['a', 'b']);
    expect(queue.depth()).toBe(3);
    work.finish('b');
    await settle();
    expect(work.inFlight()).toEqual(['a', 'c']);
  });

  it('takes ready keys in FIFO order', async () => {
    const { queue, work, settle } = setup({ concurrency: 1 });
    for (const key of ['c', 'a', 'b']) queue.add(key);
    queue.start(work.handler);
    for (const key of ['c', 'a', 'b']) {
      await settle();
      work.finish(key);
    }
    await settle();
    expect(work.started).toEqual(['c', 'a', 'b']);
  });

  it('retries a failing key with exponential backoff and resets it on success', async () => {
    const { clock, queue, work, settle } = setup({
      backoff: { baseMs: 100, maxMs: 300, jitter: false },
    });
    queue.start(work.handler);
    queue.add('a');
    const expectRetryAfter = async (ms: number) => {
      await settle();
      work.fail('a');
      await clock.advance(ms - 1);
      expect(work.inFlight()).toEqual([]);
      await clock.advance(1);
      expect(work.inFlight()).toEqual(['a']);
    };
    await expectRetryAfter(100);
    await expectRetryAfter(200);
    await expectRetryAfter(300);
    await expectRetryAfter(300);
    expect(queue.failures('a')).toBe(4);
    work.finish('a');
    await settle();
    expect(queue.failures('a')).toBe(0);
    await clock.advance(10_000);
    expect(work.started).toHaveLength(5);
  });

  it('applies full jitter from the clock’s random()', async () => {
    const clock = createFakeClock({ random: () => 0.5 });
    const queue = createWorkQueue({ clock, backoff: { baseMs: 100 } });
    const work = createControlledHandler();
    queue.start(work.handler);
    queue.add('a');
    await clock.flush();
    work.fail('a');
    await clock.advance(49);
    expect(work.inFlight()).toEqual([]);
    await clock.advance(1);
    expect(work.inFlight()).toEqual(['a']);
  });

  it('requeues after `requeueAfterMs` without counting a failure', async () => {
    const { clock, queue, work, settle } = setup();
    queue.start(work.handler);
    queue.add('a');
    await settle();
    work.fail('a');
    await clock.advance(100);
    expect(queue.failures('a')).toBe(1);
    work.finish('a', { requeueAfterMs: 5000 });
    await settle();
    expect(queue.failures('a')).toBe(0);
    await clock.advance(4999);
    expect(work.inFlight()).toEqual([]);
    await clock.advance(1);
    expect(work.inFlight()).toEqual(['a']);
  });

  it('lets a shorter addAfter replace a longer pending one, and not the reverse', async () => {
    const { clock, queue, work } = setup();
    queue.start(work.handler);
    queue.addAfter('short', 1000);
    queue.addAfter('short', 100);
    queue.addAfter('long', 100);
    queue.addAfter('long', 1000);
    await clock.advance(100);
    expect(work.inFlight()).toEqual(['short', 'long']);
    work.finish('short');
    work.finish('long');
    await clock.advance(5000);
    expect(work.started).toEqual(['short', 'long']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('counts only keys ready now in depth()', async () => {
    const { queue, work, settle } = setup({ concurrency: 1 });
    queue.addAfter('later', 1000);
    queue.add('a');
    queue.add('b');
    expect(queue.depth()).toBe(2);
    queue.start(work.handler);
    await settle();
    queue.add('a'); // in flight: marked dirty, not waiting
    expect(queue.depth()).toBe(1);
  });

  it('forgets a key’s failures on request', async () => {
    const { queue, work, settle } = setup();
    queue.start(work.handler);
    queue.add('a');
    await settle();
    work.fail('a');
    await settle();
    expect(queue.failures('a')).toBe(1);
    queue.forget('a');
    expect(queue.failures('a')).toBe(0);
  });
});
