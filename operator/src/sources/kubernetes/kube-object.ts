import type { TradingBotStatus } from '@hmmtrade/crds';

/** The ObjectMeta fields this code reads; every other field is kept as the server sent it. */
export interface KubeObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  /** RFC 3339; set when deletion was requested and finalizers still hold the object. */
  deletionTimestamp?: string;
  finalizers?: string[];
  managedFields?: unknown;
  [field: string]: unknown;
}

/** Any Kubernetes object, as JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
}

/** A TradingBot as the apiserver returns it; `spec` is unvalidated user input. */
export interface TradingBotObject extends KubeObject {
  spec?: unknown;
  status?: Partial<TradingBotStatus>;
}

/**
 * The object without `metadata.managedFields`: server-side apply bookkeeping that is often
 * larger than the object itself and that nothing here reads, so it is not kept in caches.
 */
export function stripManagedFields<T extends KubeObject>(object: T): T {
  if (object.metadata.managedFields === undefined) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata };
}

/**
 * Whether resourceVersion `a` is newer than `b`. Resource versions are opaque strings to
 * clients, but every apiserver backed by etcd issues increasing integers (the etcd revision);
 * when either is not an integer, a different version counts as newer.
 */
export function isNewerVersion(a: string, b: string | undefined): boolean {
  if (b === undefined) return true;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) > BigInt(b);
  return a !== b;
}
