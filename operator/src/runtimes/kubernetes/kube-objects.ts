import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import type { KubeApi } from '../../kube-client/kube-api.ts';
import { isAlreadyExists, isNotFound } from '../../kube-client/kube-errors.ts';
import { kubeError } from './kube-errors.ts';
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

/** Pod and Secret calls in `namespace`. */
export function createKubeObjects(deps: { api: KubeApi; namespace: string }): KubeObjects {
  const { api } = deps;
  const base = `/api/v1/namespaces/${encodeURIComponent(deps.namespace)}`;
  const pods = `${base}/pods`;
  const secrets = `${base}/secrets`;
  const named = (collection: string, name: string) => `${collection}/${encodeURIComponent(name)}`;

  async function call<T>(action: string, request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      throw kubeError(action, error);
    }
  }
  async function orNull<T>(action: string, request: Promise<T>): Promise<T | null> {
    try {
      return await request;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw kubeError(action, error);
    }
  }
  async function created<T>(action: string, request: Promise<T>): Promise<T | null> {
    try {
      return await request;
    } catch (error) {
      if (isAlreadyExists(error)) return null;
      throw kubeError(action, error);
    }
  }

  return {
    readPod: (name) => orNull(`read pod ${name}`, api.get<ManagedPod>(named(pods, name))),
    readSecret: (name) =>
      orNull(`read secret ${name}`, api.get<ManagedSecret>(named(secrets, name))),

    createPod: (body) =>
      created(`create pod ${String(body.metadata?.name)}`, api.post<ManagedPod>(pods, body)),
    createSecret: (body) =>
      created(
        `create secret ${String(body.metadata?.name)}`,
        api.post<ManagedSecret>(secrets, body),
      ),

    replaceSecret(body, resourceVersion) {
      const name = String(body.metadata?.name);
      const versioned = { ...body, metadata: { ...body.metadata, resourceVersion } };
      return call(
        `replace secret ${name}`,
        api.put<ManagedSecret>(named(secrets, name), versioned),
      );
    },

    annotateSecret: (name, annotations) =>
      call(
        `annotate secret ${name}`,
        api.mergePatch<ManagedSecret>(named(secrets, name), { metadata: { annotations } }),
      ),

    deletePod(name, options) {
      // In the body: with a body present the apiserver ignores the query's gracePeriodSeconds.
      const body = {
        gracePeriodSeconds: options.gracePeriodSeconds,
        preconditions: options.uid ? { uid: options.uid } : undefined,
      };
      return orNull(`delete pod ${name}`, api.delete<ManagedPod>(named(pods, name), body));
    },

    async deleteSecret(name) {
      await orNull(`delete secret ${name}`, api.delete(named(secrets, name)));
    },
  };
}
