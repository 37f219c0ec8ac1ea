import type { KubeConfig, V1Pod, V1Secret } from '@kubernetes/client-node';
import type { KubeApi } from '../../kube-client/kube-api.ts';
import type { KubeObject } from '../../sources/kubernetes/kube-object.ts';
import type { ListWatch } from '../../sources/kubernetes/list-watch.ts';
import { restListWatch } from '../../sources/kubernetes/rest-list-watch.ts';
import { MANAGED_SELECTOR } from './resource-names.ts';

/** A pod or Secret as the reflector caches it (the apiserver always sets name, uid, version). */
export type ManagedPod = V1Pod & KubeObject;
export type ManagedSecret = V1Secret & KubeObject;

/** List and watch of this runtime's pods, or its Secrets, in one namespace (MANAGED_SELECTOR). */
export function managedListWatch<T extends ManagedPod | ManagedSecret>(deps: {
  kubeConfig: KubeConfig;
  api: KubeApi;
  namespace: string;
  kind: 'pods' | 'secrets';
  /** Server-side watch timeout (default 300 s). */
  watchTimeoutSeconds?: number;
}): ListWatch<T> {
  return restListWatch<T>({
    api: deps.api,
    kubeConfig: deps.kubeConfig,
    path: `/api/v1/namespaces/${encodeURIComponent(deps.namespace)}/${deps.kind}`,
    labelSelector: MANAGED_SELECTOR,
    ...(deps.watchTimeoutSeconds ? { watchTimeoutSeconds: deps.watchTimeoutSeconds } : {}),
  });
}
