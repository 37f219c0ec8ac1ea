import type { KubeConfig, V1Pod, V1Secret } from '@kubernetes/client-node';
import type { KubeApi } from '../../kube-client/kube-api.ts';
import type { KubeObject } from '../../sources/kubernetes/kube-object.ts';
import type { ListWatch } from '../../sources/kubernetes/list-watch.ts';
import { restListWatch } from '../../sources/kubernetes/rest-list-watch.ts';
import { stripManagedFields } from '../../sources/kubernetes/kube-object.ts';
import { BOT_CONTAINER, MANAGED_SELECTOR } from './resource-names.ts';

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

/**
 * What the runtime's cache keeps of a pod: metadata, the bot container's name and image, the
 * grace period and the status (pod-state.ts reads nothing else). A whole pod with its spec
 * (security context, volumes, env) costs several times as much memory per bot.
 */
export function cachedPod(pod: ManagedPod): ManagedPod {
  const { metadata } = stripManagedFields(pod);
  const bot = pod.spec?.containers.find((container) => container.name === BOT_CONTAINER);
  const { phase, conditions, containerStatuses } = pod.status ?? {};
  return {
    ...(pod.apiVersion ? { apiVersion: pod.apiVersion } : {}),
    ...(pod.kind ? { kind: pod.kind } : {}),
    metadata,
    spec: {
      containers: bot ? [{ name: bot.name, image: bot.image }] : [],
      ...(pod.spec?.terminationGracePeriodSeconds === undefined
        ? {}
        : { terminationGracePeriodSeconds: pod.spec.terminationGracePeriodSeconds }),
    },
    status: { phase, conditions, containerStatuses },
  };
}

/** What the runtime's cache keeps of a Secret: not its data (the bot's env), only metadata. */
export function cachedSecret(secret: ManagedSecret): ManagedSecret {
  const { data: _data, stringData: _stringData, ...rest } = stripManagedFields(secret);
  return rest;
}
