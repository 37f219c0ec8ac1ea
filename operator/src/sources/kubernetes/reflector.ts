import type { Logger } from '@hmmtrade/platform';
import { backoffDelay } from '../../queue/backoff.ts';
import { ResourceExpiredError } from '../../kube-client/kube-errors.ts';
import { isNewerVersion, stripManagedFields, type KubeObject } from './kube-object.ts';
import { listAllPages, type ListWatch, type WatchEvent, type WatchStream } from './list-watch.ts';

/** How a reflector paces itself; every field has a production default. */
export interface ReflectorTuning {
  /** Objects per list request: lists are paged with limit/continue (default 100). */
  pageSize?: number;
  /** Full relist period, the backstop for anything a watch missed (default 10 min; 0: never). */
  relistPeriodMs?: number;
  /** Backoff after failed lists and watches (default 500 ms doubling to 30 s, full jitter). */
  backoff?: { baseMs?: number; maxMs?: number };
  /** A watch ending sooner than this without any event counts as a failure (default 1 s). */
  minWatchMs?: number;
  /** Waits `ms`, or less when `signal` aborts (tests inject a recorder). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** What a reflector reports; called in event order, never concurrently. */
export interface ReflectorHandlers<T> {
  /** A new object, or a newer version of one. */
  onUpsert(object: T, previous: T | undefined): void;
  onDelete(object: T): void;
  /** After every full list, with every listed object: the cache now holds exactly these. */
  onListed?(objects: readonly T[]): void;
}

/**
 * An informer's cache (client-go's Reflector + Store), keyed by `metadata.uid`, kept by one
 * list-then-watch loop that survives what @kubernetes/client-node's informer does not
 * (DESIGN §10): a failed list or watch is retried with exponential backoff and jitter; a
 * watch is resumed from the last resourceVersion seen (bookmarks included); 410 Gone relists
 * with paging; a watch the server ends at once counts as a failure, so it cannot spin; a
 * periodic relist catches anything missed. managedFields (or more: `trim`) are dropped before caching.
 */
export interface Reflector<T> {
  /** Lists every object (paged), then watches in the background. Rejects if that list fails. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Ends the current watch, relists and watches again; rejects if that list fails. */
  relist(): Promise<void>;
  get(uid: string): T | undefined;
  list(): T[];
  /** Caches a version returned by one of our writes unless a newer one is cached; no handler runs. */
  update(object: T): T;
  /** Drops an object our own delete removed, before its watch event; no handler runs. */
  remove(uid: string): void;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

export function createReflector<T extends KubeObject>(deps: {
  listWatch: ListWatch<T>;
  handlers: ReflectorHandlers<T>;
  logger: Logger;
  tuning?: ReflectorTuning;
  /**
   * What is cached of each object (default: all of it but managedFields), like
   * controller-runtime's cache transforms: an informer that reads a few fields keeps only those.
   */
  trim?: (object: T) => T;
}): Reflector<T> {
  const { listWatch, handlers, logger } = deps;
  const trim = deps.trim ?? stripManagedFields;
  const tuning = deps.tuning ?? {};
  const pageSize = tuning.pageSize ?? 100;
  const minWatchMs = tuning.minWatchMs ?? 1_000;
  const backoff = { baseMs: 500, maxMs: 30_000, ...tuning.backoff, jitter: true };
  const sleep = tuning.sleep ?? abortableSleep;
  const random = tuning.random ?? Math.random;
  const store = new Map<string, T>();
  // Uids deleted since the last full list, so a late write response cannot bring one back.
  const deleted = new Set<string>();
  let resourceVersion = '';
  let needList = true;
  let stopped = true;
  let watch: WatchStream | undefined;
  let wake = new AbortController();
  let loop: Promise<void> | undefined;
  let relistTimer: NodeJS.Timeout | undefined;
  let waiters: Waiter[] = [];

  const wakeUp = () => {
    wake.abort();
    wake = new AbortController();
  };
  const call = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (error) {
      logger.error({ err: error }, `reflector ${what} handler failed`);
    }
  };

  const upsert = (object: T) => {
    const previous = store.get(object.metadata.uid);
    if (
      previous &&
      !isNewerVersion(object.metadata.resourceVersion, previous.metadata.resourceVersion)
    )
      return;
    store.set(object.metadata.uid, object);
    call('upsert', () => handlers.onUpsert(object, previous));
  };

  const replace = (items: T[], listVersion: string) => {
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(item.metadata.uid);
      upsert(item);
    }
    for (const [uid, old] of store) {
      if (seen.has(uid)) continue;
      store.delete(uid);
      call('delete', () => handlers.onDelete(old));
    }
    deleted.clear();
    resourceVersion = listVersion;
    call('listed', () => handlers.onListed?.(items.map((item) => store.get(item.metadata.uid)!)));
  };

  const listAll = async () => {
    const { items, resourceVersion: listVersion } = await listAllPages(listWatch, pageSize);
    replace(items.map(trim), listVersion);
  };

  const onEvent = (event: WatchEvent<T>) => {
    const version = event.object.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') {
      if (version) resourceVersion = version;
      return;
    }
    const object = trim(event.object);
    if (event.type === 'DELETED') {
      store.delete(object.metadata.uid);
      deleted.add(object.metadata.uid);
      call('delete', () => handlers.onDelete(object));
    } else upsert(object);
    resourceVersion = object.metadata.resourceVersion;
  };

  const listNow = async () => {
    needList = false;
    const settling = waiters;
    waiters = [];
    try {
      await listAll();
    } catch (error) {
      needList = true;
      settling.forEach((waiter) => waiter.reject(error));
      throw error;
    }
    settling.forEach((waiter) => waiter.resolve());
  };

  const run = async () => {
    let failures = 0;
    while (!stopped) {
      try {
        if (needList) await listNow();
        const started = performance.now();
        let delivered = 0;
        watch = listWatch.watch(resourceVersion, (event) => {
          delivered++;
          onEvent(event);
        });
        await watch.done.finally(() => (watch = undefined));
        if (stopped || needList) continue;
        if (delivered === 0 && performance.now() - started < minWatchMs)
          throw new Error('watch ended as soon as it started');
        failures = 0;
      } catch (error) {
        if (stopped) break;
        failures++;
        const expired = error instanceof ResourceExpiredError;
        if (expired) needList = true;
        // The first 410 relists at once; anything else, or a 410 again, backs off.
        const delayMs = expired && failures === 1 ? 0 : backoffDelay(failures, backoff, random);
        logger.warn(
          { err: error, failures, delayMs },
          expired ? 'relisting: 410 Gone' : 'list/watch failed',
        );
        if (delayMs > 0) await sleep(delayMs, wake.signal);
      }
    }
  };

  const scheduleRelist = () => {
    const period = tuning.relistPeriodMs ?? 600_000;
    if (period <= 0 || stopped) return;
    relistTimer = setTimeout(() => {
      reflector
        .relist()
        .catch((error: unknown) => logger.warn({ err: error }, 'periodic relist failed'))
        .finally(scheduleRelist);
    }, period);
  };

  const reflector: Reflector<T> = {
    async start() {
      stopped = false;
      needList = true;
      const first = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      loop = run();
      try {
        await first;
      } catch (error) {
        await reflector.stop();
        throw error;
      }
      scheduleRelist();
    },
    async stop() {
      stopped = true;
      clearTimeout(relistTimer);
      watch?.stop();
      wakeUp();
      await loop;
      const pending = waiters;
      waiters = [];
      pending.forEach((waiter) => waiter.reject(new Error('reflector stopped')));
    },
    relist() {
      if (stopped) return Promise.reject(new Error('reflector is not running'));
      const listed = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      needList = true;
      watch?.stop();
      wakeUp();
      return listed;
    },
    get: (uid) => store.get(uid),
    list: () => [...store.values()],
    update(object) {
      const stripped = trim(object);
      const cached = store.get(stripped.metadata.uid);
      if (deleted.has(stripped.metadata.uid)) return stripped;
      if (
        cached &&
        !isNewerVersion(stripped.metadata.resourceVersion, cached.metadata.resourceVersion)
      )
        return cached;
      store.set(stripped.metadata.uid, stripped);
      return stripped;
    },
    remove(uid) {
      store.delete(uid);
      deleted.add(uid);
    },
  };
  return reflector;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
