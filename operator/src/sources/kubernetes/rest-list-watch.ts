import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { KubeApi } from '../../kube-client/kube-api.ts';
import { isGone, ResourceExpiredError } from '../../kube-client/kube-errors.ts';
import type { KubeObject } from './kube-object.ts';
import type { ListPage, ListWatch } from './list-watch.ts';
import { startWatch } from './watch-stream.ts';

/** Options of restListWatch. */
export interface RestListWatchOptions {
  api: KubeApi;
  kubeConfig: KubeConfig;
  /** The collection, e.g. `/api/v1/namespaces/ns/pods`. */
  path: string;
  labelSelector?: string;
  /** Server-side watch timeout, so connections are renewed now and then (default 300 s). */
  watchTimeoutSeconds?: number;
}

interface ListBody<T> {
  items: T[];
  metadata: { resourceVersion: string; continue?: string };
}

/** List (paged) and watch of one collection of the REST API. */
export function restListWatch<T extends KubeObject>(options: RestListWatchOptions): ListWatch<T> {
  const { api, path, labelSelector } = options;
  const watcher = new Watch(options.kubeConfig);
  return {
    async list(page): Promise<ListPage<T>> {
      try {
        const body = await api.get<ListBody<T>>(path, {
          labelSelector,
          limit: page.limit,
          continue: page.continue,
        });
        return {
          items: body.items,
          resourceVersion: body.metadata.resourceVersion,
          ...(body.metadata.continue ? { continue: body.metadata.continue } : {}),
        };
      } catch (error) {
        if (isGone(error))
          throw new ResourceExpiredError(`list ${path}: continue token expired`, { cause: error });
        throw error;
      }
    },
    watch: (resourceVersion, onEvent) =>
      startWatch<T>(
        watcher,
        path,
        {
          resourceVersion,
          timeoutSeconds: options.watchTimeoutSeconds ?? 300,
          ...(labelSelector ? { labelSelector } : {}),
        },
        onEvent,
      ),
  };
}
