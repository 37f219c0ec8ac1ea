import type { Watch } from '@kubernetes/client-node';
import { statusError } from '../../kube-client/kube-errors.ts';
import type { KubeObject } from './kube-object.ts';
import type { WatchEvent, WatchStream } from './list-watch.ts';

/** What a watch asks the apiserver for, besides the path. */
export interface WatchQuery {
  resourceVersion: string;
  /** Server-side timeout, so connections are renewed now and then. */
  timeoutSeconds: number;
  labelSelector?: string;
}

/**
 * One watch of `path` through @kubernetes/client-node's Watch, as a WatchStream: bookmarks on,
 * an ERROR event turned into a rejected `done` (ResourceExpiredError for 410), the client's own
 * inactivity timeout treated like a server close.
 */
export function startWatch<T extends KubeObject>(
  watcher: Watch,
  path: string,
  query: WatchQuery,
  onEvent: (event: WatchEvent<T>) => void,
): WatchStream {
  let stopped = false;
  let abort: AbortController | undefined;
  const done = new Promise<void>((resolve, reject) => {
    let failure: Error | undefined;
    const params = {
      allowWatchBookmarks: true,
      timeoutSeconds: query.timeoutSeconds,
      ...(query.resourceVersion ? { resourceVersion: query.resourceVersion } : {}),
      ...(query.labelSelector ? { labelSelector: query.labelSelector } : {}),
    };
    const ended = (error: unknown) => {
      if (failure) reject(failure);
      else if (error && !stopped && !isTimeout(error))
        reject(error instanceof Error ? error : new Error('watch failed', { cause: error }));
      else resolve();
    };
    watcher
      .watch(
        path,
        params,
        (type: string, object: T) => {
          if (failure || stopped) return;
          if (type === 'ERROR') {
            failure = statusError(object);
            abort?.abort();
          } else if (isEventType(type)) onEvent({ type, object });
        },
        ended,
      )
      .then(
        (controller) => {
          abort = controller;
          if (stopped || failure) controller.abort();
        },
        (error: unknown) => ended(error),
      );
  });
  return {
    done,
    stop() {
      stopped = true;
      abort?.abort();
    },
  };
}

function isEventType(type: string): type is WatchEvent<KubeObject>['type'] {
  return type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED' || type === 'BOOKMARK';
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}
