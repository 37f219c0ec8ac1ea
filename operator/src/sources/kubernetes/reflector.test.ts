import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../runtimes/testing/eventually.ts';
import { quietLogger } from '../../testing/operator-harness.ts';
import { ResourceExpiredError } from '../../kube-client/kube-errors.ts';
import type { KubeObject } from './kube-object.ts';
import type { ListPage, ListWatch, WatchEvent } from './list-watch.ts';
import { createReflector, type Reflector } from './reflector.ts';

function obj(uid: string, resourceVersion: string): KubeObject {
  return {
    metadata: { uid, name: uid, resourceVersion, managedFields: [{ manager: 'kubectl' }] },
  };
}

/** A scripted ListWatch: objects to list, and watches the test drives. */
function scripted() {
  const state = {
    objects: [] as KubeObject[],
    listVersion: '10',
    listCalls: [] as { limit: number; continue?: string }[],
    listFailures: [] as Error[],
    watchCalls: [] as string[],
    watches: [] as {
      emit(event: WatchEvent<KubeObject>): void;
      end(): void;
      fail(error: Error): void;
    }[],
  };
  const listWatch: ListWatch<KubeObject> = {
    list(options) {
      state.listCalls.push(options);
      const failure = state.listFailures.shift();
      if (failure) return Promise.reject(failure);
      const start = options.continue ? Number(options.continue) : 0;
      const end = start + options.limit;
      const page: ListPage<KubeObject> = {
        items: state.objects.slice(start, end),
        resourceVersion: state.listVersion,
        ...(end < state.objects.length ? { continue: String(end) } : {}),
      };
      return Promise.resolve(structuredClone(page));
    },
    watch(resourceVersion, onEvent) {
      state.watchCalls.push(resourceVersion);
      let settle!: { resolve: () => void; reject: (error: Error) => void };
      const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
      state.watches.push({ emit: onEvent, end: () => settle.resolve(), fail: settle.reject });
      return { done, stop: () => settle.resolve() };
    },
  };
  return { state, listWatch };
}

describe('reflector', () => {
  let reflector: Reflector<KubeObject> | undefined;
  afterEach(async () => {
    await reflector?.stop();
    reflector = undefined;
  });

  function start(
    listWatch: ListWatch<KubeObject>,
    delays: number[] = [],
    trim?: (object: KubeObject) => KubeObject,
  ) {
    const log: string[] = [];
    reflector = createReflector({
      listWatch,
      ...(trim ? { trim } : {}),
      logger: quietLogger(),
      handlers: {
        onUpsert: (object) =>
          log.push(`upsert ${object.metadata.uid}@${object.metadata.resourceVersion}`),
        onDelete: (object) => log.push(`delete ${object.metadata.uid}`),
        onListed: (objects) => log.push(`listed ${objects.length}`),
      },
      tuning: {
        pageSize: 2,
        relistPeriodMs: 0,
        backoff: { baseMs: 10, maxMs: 1_000 },
        minWatchMs: 60_000,
        random: () => 1,
        sleep: (ms) => {
          delays.push(ms);
          return Promise.resolve();
        },
      },
    });
    return { reflector, log, ready: reflector.start() };
  }

  it('lists in pages, strips managedFields and watches from the list version', async () => {
    const { state, listWatch } = scripted();
    state.objects = ['a', 'b', 'c', 'd', 'e'].map((uid) => obj(uid, '5'));
    const { reflector, log, ready } = start(listWatch);
    await ready;
    expect(state.listCalls).toEqual([
      { limit: 2 },
      { limit: 2, continue: '2' },
      { limit: 2, continue: '4' },
    ]);
    expect(reflector.list().map((o) => o.metadata.uid)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(reflector.get('a')?.metadata.managedFields).toBeUndefined();
    expect(log.at(-1)).toBe('listed 5');
    await eventually(() => expect(state.watchCalls).toEqual(['10']));
  });

  it('caches only what `trim` keeps, from lists, watch events and our own writes alike', async () => {
    const { state, listWatch } = scripted();
    state.objects = [{ ...obj('a', '5'), spec: { big: 'x'.repeat(100) } } as KubeObject];
    const trim = (object: KubeObject): KubeObject => ({
      metadata: {
        uid: object.metadata.uid,
        name: object.metadata.name,
        resourceVersion: object.metadata.resourceVersion,
      },
    });
    const { reflector, ready } = start(listWatch, [], trim);
    await ready;
    await eventually(() => expect(state.watches).toHaveLength(1));
    state.watches[0]!.emit({ type: 'ADDED', object: obj('b', '11') });
    reflector.update(obj('c', '12'));
    for (const uid of ['a', 'b', 'c'])
      expect(reflector.get(uid)).toEqual(
        trim(obj(uid, reflector.get(uid)!.metadata.resourceVersion)),
      );
  });

  it('restarts a list whose continue token expired', async () => {
    const { state, listWatch } = scripted();
    state.objects = ['a', 'b', 'c'].map((uid) => obj(uid, '5'));
    const original = listWatch.list.bind(listWatch);
    let expireOnce = true;
    listWatch.list = (options) => {
      if (options.continue && expireOnce) {
        expireOnce = false;
        state.listCalls.push(options);
        return Promise.reject(new ResourceExpiredError('continue expired'));
      }
      return original(options);
    };
    const { reflector, ready } = start(listWatch);
    await ready;
    expect(state.listCalls.map((call) => call.continue ?? 'first')).toEqual([
      'first',
      '2',
      'first',
      '2',
    ]);
    expect(reflector.list()).toHaveLength(3);
  });

  it('applies watch events, resumes from the last version after an error, with backoff', async () => {
    const { state, listWatch } = scripted();
    state.objects = [obj('a', '5')];
    const delays: number[] = [];
    const { reflector, log, ready } = start(listWatch, delays);
    await ready;
    await eventually(() => expect(state.watches).toHaveLength(1));
    state.watches[0]!.emit({ type: 'ADDED', object: obj('b', '11') });
    state.watches[0]!.emit({ type: 'MODIFIED', object: obj('a', '12') });
    state.watches[0]!.emit({ type: 'DELETED', object: obj('b', '13') });
    state.watches[0]!.emit({ type: 'BOOKMARK', object: obj('', '20') });
    expect(log.slice(-3)).toEqual(['upsert b@11', 'upsert a@12', 'delete b']);
    expect(reflector.get('a')?.metadata.resourceVersion).toBe('12');

    for (let i = 0; i < 3; i++) {
      await eventually(() => expect(state.watches).toHaveLength(i + 1));
      state.watches[i]!.fail(new Error('connection reset'));
    }
    await eventually(() => expect(state.watches).toHaveLength(4));
    // Doubling backoff (jitter pinned at its ceiling), resumed from the bookmark, no relist.
    expect(delays).toEqual([10, 20, 40]);
    expect(state.watchCalls).toEqual(['10', '20', '20', '20']);
    expect(state.listCalls).toHaveLength(1);
  });

  it('counts a watch that ends at once as a failure, so it cannot spin', async () => {
    const { state, listWatch } = scripted();
    const delays: number[] = [];
    const { ready } = start(listWatch, delays);
    await ready;
    for (let i = 0; i < 2; i++) {
      await eventually(() => expect(state.watches).toHaveLength(i + 1));
      state.watches[i]!.end();
    }
    await eventually(() => expect(delays).toEqual([10, 20]));
  });

  it('relists at once on 410 Gone, reports what changed, and backs off a repeated 410', async () => {
    const { state, listWatch } = scripted();
    state.objects = [obj('a', '5'), obj('b', '5'), obj('c', '5')];
    const delays: number[] = [];
    const { reflector, log, ready } = start(listWatch, delays);
    await ready;
    state.objects = [obj('a', '5'), obj('c', '9'), obj('d', '9')];
    state.listVersion = '30';
    log.length = 0;
    await eventually(() => expect(state.watches).toHaveLength(1));
    state.watches[0]!.fail(new ResourceExpiredError('too old resource version'));
    await eventually(() => expect(state.watchCalls).toEqual(['10', '30']));
    expect(delays).toEqual([]);
    expect(state.listCalls.slice(2)).toEqual([{ limit: 2 }, { limit: 2, continue: '2' }]);
    expect(log).toEqual(['upsert c@9', 'upsert d@9', 'delete b', 'listed 3']);
    expect(
      reflector
        .list()
        .map((o) => o.metadata.uid)
        .sort(),
    ).toEqual(['a', 'c', 'd']);

    state.watches[1]!.fail(new ResourceExpiredError('too old resource version'));
    await eventually(() => expect(state.watchCalls).toHaveLength(3));
    expect(delays).toEqual([20]);
  });

  it('retries a failed relist with backoff and resync waits for the outcome', async () => {
    const { state, listWatch } = scripted();
    const delays: number[] = [];
    const { reflector, ready } = start(listWatch, delays);
    await ready;
    state.listFailures = [new Error('apiserver down')];
    await expect(reflector.relist()).rejects.toThrow('apiserver down');
    state.objects = [obj('z', '40')];
    await expect(reflector.relist()).resolves.toBeUndefined();
    expect(reflector.get('z')).toBeDefined();
    expect(delays).toEqual([10]);
  });

  it('keeps the newest version: an older write response or a deleted object is not cached', async () => {
    const { state, listWatch } = scripted();
    state.objects = [obj('a', '5')];
    const { reflector, ready } = start(listWatch);
    await ready;
    reflector.update(obj('a', '7'));
    reflector.update(obj('a', '6'));
    expect(reflector.get('a')?.metadata.resourceVersion).toBe('7');
    await eventually(() => expect(state.watches).toHaveLength(1));
    state.watches[0]!.emit({ type: 'MODIFIED', object: obj('a', '7') });
    state.watches[0]!.emit({ type: 'DELETED', object: obj('a', '8') });
    reflector.update(obj('a', '9'));
    expect(reflector.get('a')).toBeUndefined();
  });

  it('fails start when the first list fails', async () => {
    const { state, listWatch } = scripted();
    state.listFailures = [new Error('401 Unauthorized')];
    const { ready } = start(listWatch);
    await expect(ready).rejects.toThrow('401 Unauthorized');
  });
});
