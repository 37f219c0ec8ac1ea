import { setTimeout as sleep } from 'node:timers/promises';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { CoreV1Api, V1Pod, V1Secret } from '@kubernetes/client-node';
import { isAlreadyExists, isNotFound, kubeError } from './kube-errors.ts';
import { MANAGED_SELECTOR } from './resource-names.ts';

/** The pod and Secret calls the runtime makes, in one namespace, with errors already mapped. */
export interface KubeObjects {
  readPod(name: string): Promise<V1Pod | null>;
  readSecret(name: string): Promise<V1Secret | null>;
  /** The managed pods and Secrets of the namespace. */
  listManaged(): Promise<{ pods: V1Pod[]; secrets: V1Secret[] }>;
  /** The object as created, or null when an object of that name already exists. */
  createPod(pod: V1Pod): Promise<V1Pod | null>;
  createSecret(secret: V1Secret): Promise<V1Secret | null>;
  /** Overwrites the Secret (data included) if it still has `resourceVersion`. */
  replaceSecret(secret: V1Secret, resourceVersion: string | undefined): Promise<void>;
  annotateSecret(name: string, annotations: Record<string, string | null>): Promise<void>;
  /** Deletes the pod with that uid (any, without `uid`); missing is fine. */
  deletePod(name: string, options: { gracePeriodSeconds?: number; uid?: string }): Promise<void>;
  deleteSecret(name: string): Promise<void>;
  /** Polls until the pod with `uid` is gone; false if it is still there after `timeoutMs`. */
  waitPodGone(name: string, uid: string | undefined, timeoutMs: number): Promise<boolean>;
}

/** `core` calls in `namespace`, polling every `pollIntervalMs` while waiting. */
export function createKubeObjects(deps: {
  core: CoreV1Api;
  namespace: string;
  pollIntervalMs: number;
}): KubeObjects {
  const { core, namespace } = deps;
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

  async function call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw kubeError(action, error);
    }
  }
  async function orNull<T>(action: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      return await fn();
    } catch (error) {
      if (isNotFound(error)) return null;
      throw kubeError(action, error);
    }
  }
  async function created<T>(action: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      return await fn();
    } catch (error) {
      if (isAlreadyExists(error)) return null;
      throw kubeError(action, error);
    }
  }
  const readPod = (name: string) =>
    orNull(`read pod ${name}`, () => core.readNamespacedPod({ namespace, name }));

  return {
    readPod,
    readSecret: (name) =>
      orNull(`read secret ${name}`, () => core.readNamespacedSecret({ namespace, name })),

    listManaged: () =>
      call(`list pods and secrets in ${namespace}`, async () => {
        const query = { namespace, labelSelector: MANAGED_SELECTOR };
        const [pods, secrets] = await Promise.all([
          core.listNamespacedPod(query),
          core.listNamespacedSecret(query),
        ]);
        return { pods: pods.items, secrets: secrets.items };
      }),

    createPod: (pod) =>
      created(`create pod ${String(pod.metadata?.name)}`, () =>
        core.createNamespacedPod({ namespace, body: pod }),
      ),
    createSecret: (secret) =>
      created(`create secret ${String(secret.metadata?.name)}`, () =>
        core.createNamespacedSecret({ namespace, body: secret }),
      ),

    async replaceSecret(secret, resourceVersion) {
      const name = String(secret.metadata?.name);
      const body = { ...secret, metadata: { ...secret.metadata, resourceVersion } };
      await call(`replace secret ${name}`, () =>
        core.replaceNamespacedSecret({ namespace, name, body }),
      );
    },

    async annotateSecret(name, annotations) {
      await call(`annotate secret ${name}`, () =>
        core.patchNamespacedSecret(
          { namespace, name, body: { metadata: { annotations } } },
          mergePatch,
        ),
      );
    },

    async deletePod(name, options) {
      // In the body: with a body present the apiserver ignores the query's gracePeriodSeconds.
      const body = {
        gracePeriodSeconds: options.gracePeriodSeconds,
        preconditions: options.uid ? { uid: options.uid } : undefined,
      };
      await orNull(`delete pod ${name}`, () => core.deleteNamespacedPod({ namespace, name, body }));
    },

    async deleteSecret(name) {
      await orNull(`delete secret ${name}`, () => core.deleteNamespacedSecret({ namespace, name }));
    },

    async waitPodGone(name, uid, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const pod = await readPod(name);
        if (!pod || (uid !== undefined && pod.metadata?.uid !== uid)) return true;
        if (Date.now() >= deadline) return false;
        await sleep(deps.pollIntervalMs);
      }
    },
  };
}
