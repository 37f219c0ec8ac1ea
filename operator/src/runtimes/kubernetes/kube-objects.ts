import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { CoreV1Api, V1Pod, V1Secret } from '@kubernetes/client-node';
import { isAlreadyExists, isNotFound, kubeError } from './kube-errors.ts';
import type { ManagedPod, ManagedSecret } from './managed-list-watch.ts';

/**
 * The pod and Secret requests the runtime makes, in one namespace, with errors already mapped.
 * Every write returns the object as the apiserver answered, so the runtime can cache it.
 */
export interface KubeObjects {
  /** Live reads, for when a create finds the name taken. */
  readPod(name: string): Promise<ManagedPod | null>;
  readSecret(name: string): Promise<ManagedSecret | null>;
  /** The object as created, or null when an object of that name already exists. */
  createPod(pod: V1Pod): Promise<ManagedPod | null>;
  createSecret(secret: V1Secret): Promise<ManagedSecret | null>;
  /** Overwrites the Secret (data included) if it still has `resourceVersion`. */
  replaceSecret(secret: V1Secret, resourceVersion: string | undefined): Promise<ManagedSecret>;
  annotateSecret(name: string, annotations: Record<string, string | null>): Promise<ManagedSecret>;
  /**
   * Deletes the pod with that uid (any, without `uid`); missing is fine. Returns the pod as the
   * apiserver left it (terminating, or already gone), or null.
   */
  deletePod(
    name: string,
    options: { gracePeriodSeconds?: number; uid?: string },
  ): Promise<ManagedPod | null>;
  deleteSecret(name: string): Promise<void>;
}

/** `core` calls in `namespace`. */
export function createKubeObjects(deps: { core: CoreV1Api; namespace: string }): KubeObjects {
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
  const pod = (object: V1Pod) => object as ManagedPod;
  const secret = (object: V1Secret) => object as ManagedSecret;

  return {
    readPod: (name) =>
      orNull(`read pod ${name}`, async () =>
        pod(await core.readNamespacedPod({ namespace, name })),
      ),
    readSecret: (name) =>
      orNull(`read secret ${name}`, async () =>
        secret(await core.readNamespacedSecret({ namespace, name })),
      ),

    createPod: (body) =>
      created(`create pod ${String(body.metadata?.name)}`, async () =>
        pod(await core.createNamespacedPod({ namespace, body })),
      ),
    createSecret: (body) =>
      created(`create secret ${String(body.metadata?.name)}`, async () =>
        secret(await core.createNamespacedSecret({ namespace, body })),
      ),

    replaceSecret(body, resourceVersion) {
      const name = String(body.metadata?.name);
      const versioned = { ...body, metadata: { ...body.metadata, resourceVersion } };
      return call(`replace secret ${name}`, async () =>
        secret(await core.replaceNamespacedSecret({ namespace, name, body: versioned })),
      );
    },

    annotateSecret(name, annotations) {
      return call(`annotate secret ${name}`, async () =>
        secret(
          await core.patchNamespacedSecret(
            { namespace, name, body: { metadata: { annotations } } },
            mergePatch,
          ),
        ),
      );
    },

    deletePod(name, options) {
      // In the body: with a body present the apiserver ignores the query's gracePeriodSeconds.
      const body = {
        gracePeriodSeconds: options.gracePeriodSeconds,
        preconditions: options.uid ? { uid: options.uid } : undefined,
      };
      return orNull(`delete pod ${name}`, async () =>
        pod(await core.deleteNamespacedPod({ namespace, name, body })),
      );
    },

    async deleteSecret(name) {
      await orNull(`delete secret ${name}`, () => core.deleteNamespacedSecret({ namespace, name }));
    },
  };
}
