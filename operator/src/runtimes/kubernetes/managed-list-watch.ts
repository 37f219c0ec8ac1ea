import { Watch } from '@kubernetes/client-node';
import type { CoreV1Api, KubeConfig, V1Pod, V1Secret } from '@kubernetes/client-node';
import { isGone, ResourceExpiredError } from '../../sources/kubernetes/kube-errors.ts';
import type { KubeObject } from '../../sources/kubernetes/kube-object.ts';
import type { ListPage, ListWatch } from '../../sources/kubernetes/list-watch.ts';
import { startWatch } from '../../sources/kubernetes/watch-stream.ts';
import { MANAGED_SELECTOR } from './resource-names.ts';

/** A pod or Secret as the reflector caches it (the apiserver always sets name, uid, version). */
export type ManagedPod = V1Pod & KubeObject;
export type ManagedSecret = V1Secret & KubeObject;

/** List and watch of this runtime's pods, or its Secrets, in one namespace (MANAGED_SELECTOR). */
export function managedListWatch<T extends ManagedPod | ManagedSecret>(deps: {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  namespace: string;
  kind: 'pods' | 'secrets';
  /** Server-side watch timeout (default 300 s). */
  watchTimeoutSeconds?: number;
}): ListWatch<T> {
  const { core, namespace, kind } = deps;
  const watcher = new Watch(deps.kubeConfig);
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/${kind}`;
  return {
    async list(page): Promise<ListPage<T>> {
      const query = {
        namespace,
        labelSelector: MANAGED_SELECTOR,
        limit: page.limit,
        ...(page.continue ? { _continue: page.continue } : {}),
      };
      try {
        const body =
          kind === 'pods'
            ? await core.listNamespacedPod(query)
            : await core.listNamespacedSecret(query);
        return {
          items: body.items as T[],
          resourceVersion: body.metadata?.resourceVersion ?? '',
          ...(body.metadata?._continue ? { continue: body.metadata._continue } : {}),
        };
      } catch (error) {
        if (isGone(error))
          throw new ResourceExpiredError(`list ${kind}: continue token expired`, { cause: error });
        throw error;
      }
    },
    watch: (resourceVersion, onEvent) =>
      startWatch<T>(
        watcher,
        path,
        {
          resourceVersion,
          timeoutSeconds: deps.watchTimeoutSeconds ?? 300,
          labelSelector: MANAGED_SELECTOR,
        },
        onEvent,
      ),
  };
}
