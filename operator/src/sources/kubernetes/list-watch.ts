import { ResourceExpiredError } from '../../kube-client/kube-errors.ts';
import type { KubeObject } from './kube-object.ts';

/** One page of a list call. */
export interface ListPage<T> {
  items: T[];
  /** The list's resourceVersion: a watch started from it misses nothing. */
  resourceVersion: string;
  /** Token for the next page; absent on the last one. */
  continue?: string;
}

/** One event of a watch stream (ERROR events are turned into a rejected `done`). */
export type WatchEvent<T> =
  { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T } | { type: 'BOOKMARK'; object: KubeObject };

/** A running watch. */
export interface WatchStream {
  /**
   * Resolves when the server or the client's inactivity timeout ends the stream; rejects on a
   * network or HTTP error, with ResourceExpiredError on 410 Gone.
   */
  done: Promise<void>;
  /** Ends the stream; `done` then resolves. */
  stop(): void;
}

/** List and watch of one resource, the port a Reflector drives. */
export interface ListWatch<T extends KubeObject> {
  /** Throws ResourceExpiredError when the continue token has expired. */
  list(options: { limit: number; continue?: string }): Promise<ListPage<T>>;
  watch(resourceVersion: string, onEvent: (event: WatchEvent<T>) => void): WatchStream;
}

/**
 * Lists every object, `pageSize` per request (limit/continue), as one consistent snapshot:
 * when the continue token expires mid-list (410), the list starts over (at most 3 times).
 */
export async function listAllPages<T extends KubeObject>(
  listWatch: ListWatch<T>,
  pageSize: number,
): Promise<{ items: T[]; resourceVersion: string }> {
  const items: T[] = [];
  let token: string | undefined;
  let restarts = 0;
  for (;;) {
    let page: ListPage<T>;
    try {
      page = await listWatch.list(
        token ? { limit: pageSize, continue: token } : { limit: pageSize },
      );
    } catch (error) {
      if (!(error instanceof ResourceExpiredError) || token === undefined || restarts++ >= 3)
        throw error;
      items.length = 0;
      token = undefined;
      continue;
    }
    items.push(...page.items);
    token = page.continue || undefined;
    if (!token) return { items, resourceVersion: page.resourceVersion };
  }
}
