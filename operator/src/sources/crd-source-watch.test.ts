import { describe, expect, it } from 'vitest';
import { eventually } from '../runtimes/testing/eventually.ts';
import { useCrdEnvtest, type CrdEnvtest } from './kubernetes/testing/crd-envtest.ts';
import type { TradingBotClient } from './kubernetes/trading-bot-client.ts';

/** Records backoff delays (jitter pinned at its ceiling) and waits only briefly. */
function recordingSleep(delays: number[]) {
  return {
    random: () => 1,
    sleep: (ms: number) => {
      delays.push(ms);
      return new Promise<void>((resolve) => setTimeout(resolve, 5));
    },
  };
}

describe('CRD source watch recovery (real apiserver)', () => {
  let crd: CrdEnvtest;
  useCrdEnvtest((ready) => (crd = ready));

  it('backs off a failing watch, resumes it without relisting, and misses nothing', async () => {
    await crd.applyBots('flaky', ['before']);
    const delays: number[] = [];
    const lists: number[] = [];
    const watchedFrom: string[] = [];
    let failuresLeft = 3;
    let releaseFirstFailure!: () => void;
    const firstFailure = new Promise<void>((resolve) => (releaseFirstFailure = resolve));
    const { source, start } = crd.newSource('flaky', {
      tuning: recordingSleep(delays),
      wrap: (client): TradingBotClient => ({
        ...client,
        list: (options) => (lists.push(1), client.list(options)),
        watch(resourceVersion, onEvent) {
          watchedFrom.push(resourceVersion);
          if (failuresLeft-- <= 0) return client.watch(resourceVersion, onEvent);
          // A connection that breaks (the first one only once the test has changed things).
          const done = firstFailure.then(() => Promise.reject(new Error('ECONNRESET')));
          return { done, stop: () => undefined };
        },
      }),
    });
    await start();
    expect(source.ids()).toHaveLength(1);

    // Changed while the watch is down: a new bot and a spec update.
    await crd.applyBots('flaky', ['during']);
    await crd.patchBot('flaky', 'before', { spec: { suspend: true } });
    releaseFirstFailure();

    const during = await crd.uid('flaky', 'during');
    const before = await crd.uid('flaky', 'before');
    await eventually(() => {
      expect(source.get(during)).toBeDefined();
      expect(source.get(before)?.generation).toBe(2);
    });
    expect(delays).toEqual([10, 20, 40]);
    // Every watch resumed from the list's resourceVersion; nothing was relisted.
    expect(new Set(watchedFrom).size).toBe(1);
    expect(watchedFrom).toHaveLength(4);
    expect(lists).toHaveLength(1);
  });

  it('relists with paging at once when the apiserver answers 410 Gone', async () => {
    await crd.applyBots('gone', ['g-0', 'g-1', 'g-2']);
    const delays: number[] = [];
    const pages: (string | undefined)[] = [];
    let first = true;
    const { source, start } = crd.newSource('gone', {
      tuning: recordingSleep(delays),
      wrap: (client): TradingBotClient => ({
        ...client,
        list: (options) => (pages.push(options.continue), client.list(options)),
        // The first watch asks for a version long compacted away: the real apiserver says 410.
        watch: (resourceVersion, onEvent) => {
          const from = first ? '1' : resourceVersion;
          first = false;
          return client.watch(from, onEvent);
        },
      }),
    });
    await start();
    await eventually(() => expect(pages).toHaveLength(4));
    // Two pages (size 2, three objects) for the first list, two more for the relist.
    expect(pages.map((token) => (token === undefined ? 'first' : 'next'))).toEqual([
      'first',
      'next',
      'first',
      'next',
    ]);
    expect(delays).toEqual([]);

    // The watch after the relist works.
    await crd.applyBots('gone', ['g-3']);
    const uid = await crd.uid('gone', 'g-3');
    await eventually(() => expect(source.get(uid)).toBeDefined());
    expect(source.ids()).toHaveLength(4);
    expect(pages).toHaveLength(4);
  });

  it('resync relists and reports every bot; objects gone meanwhile are dropped', async () => {
    await crd.applyBots('resync', ['r-0', 'r-1']);
    const { source, changes, start } = crd.newSource('resync', {
      wrap: (client): TradingBotClient => ({
        ...client,
        // No watch: only relists bring news.
        watch: () => {
          let stop = () => undefined as void;
          const done = new Promise<void>((resolve) => (stop = resolve));
          return { done, stop };
        },
      }),
    });
    await start();
    const [kept, dropped] = await Promise.all([crd.uid('resync', 'r-0'), crd.uid('resync', 'r-1')]);
    // Deleting needs the finalizer gone first; the source did not see either change.
    await crd.patchBot('resync', 'r-1', { metadata: { finalizers: null } });
    await crd.kubectl(['delete', 'tb', 'r-1', '-n', 'resync']);
    expect(source.get(dropped)).toBeDefined();

    changes.length = 0;
    await source.resync();
    expect(source.get(dropped)).toBeUndefined();
    expect(source.ids()).toEqual([kept]);
    expect(new Set(changes)).toEqual(new Set([kept, dropped]));
  });
});
