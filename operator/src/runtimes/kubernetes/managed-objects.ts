import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeApi } from '../../kube-client/kube-api.ts';
import type { Logger } from '@hmmtrade/platform';
import { createReflector } from '../../sources/kubernetes/reflector.ts';
import type { ReflectorTuning } from '../../sources/kubernetes/reflector.ts';
import { kubeError } from './kube-errors.ts';
import { cachedPod, cachedSecret, managedListWatch } from './managed-list-watch.ts';
import type { ManagedPod, ManagedSecret } from './managed-list-watch.ts';
import { managedBotId } from './resource-names.ts';

/** One kind of object in the cache, found by name. */
export interface NamedCache<T> {
  get(name: string): T | null;
  list(): T[];
  /** What one of our writes returned: cached unless a newer version already is. */
  remember(object: T): void;
  /** Our own delete of the object of that name: gone from the cache now, not at its watch event. */
  forget(name: string): void;
}

/**
 * An informer over the runtime's pods and Secrets (MANAGED_SELECTOR, one namespace), so reads
 * cost no request and every change of a bot's objects is reported (controller-runtime's cached
 * client and `Owns()`). Reads are as fresh as the watch, and our own writes are cached as the
 * apiserver returned them, so the runtime reads what it wrote.
 */
export interface ManagedObjects {
  readonly pods: NamedCache<ManagedPod>;
  readonly secrets: NamedCache<ManagedSecret>;
  /** Lists both kinds and starts watching, once; after a failure the next call tries again. */
  ready(): Promise<void>;
  close(): Promise<void>;
  /** `listener(botId)` on every change of a managed pod or Secret. */
  onChange(listener: (botId: string) => void): void;
}

export function createManagedObjects(deps: {
  kubeConfig: KubeConfig;
  api: KubeApi;
  namespace: string;
  logger: Logger;
  tuning?: ReflectorTuning;
}): ManagedObjects {
  let listener: (botId: string) => void = () => undefined;
  const changed = (object: { metadata?: { labels?: Record<string, string> } }) => {
    const botId = managedBotId(object.metadata);
    if (botId) listener(botId);
  };
  const pods = namedCache<ManagedPod>({
    ...deps,
    kind: 'pods',
    trim: cachedPod,
    onChange: changed,
  });
  const secrets = namedCache<ManagedSecret>({
    ...deps,
    kind: 'secrets',
    trim: cachedSecret,
    onChange: changed,
  });
  let started: Promise<void> | undefined;

  return {
    pods,
    secrets,
    ready() {
      started ??= Promise.all([pods.start(), secrets.start()]).then(
        () => undefined,
        async (error: unknown) => {
          started = undefined;
          await Promise.all([pods.stop(), secrets.stop()]);
          throw kubeError(`list pods and secrets in ${deps.namespace}`, error);
        },
      );
      return started;
    },
    async close() {
      started = undefined;
      await Promise.all([pods.stop(), secrets.stop()]);
    },
    onChange(next) {
      listener = next;
    },
  };
}

function namedCache<T extends ManagedPod | ManagedSecret>(deps: {
  kubeConfig: KubeConfig;
  api: KubeApi;
  namespace: string;
  kind: 'pods' | 'secrets';
  logger: Logger;
  tuning?: ReflectorTuning;
  trim: (object: T) => T;
  onChange: (object: T) => void;
}): NamedCache<T> & { start(): Promise<void>; stop(): Promise<void> } {
  const uids = new Map<string, string>();
  const index = (object: T) => uids.set(object.metadata.name, object.metadata.uid);
  const unindex = (object: T) => {
    if (uids.get(object.metadata.name) === object.metadata.uid) uids.delete(object.metadata.name);
  };
  const reflector = createReflector<T>({
    listWatch: managedListWatch<T>(deps),
    trim: deps.trim,
    logger: deps.logger.child({ component: `${deps.kind}-informer` }),
    ...(deps.tuning ? { tuning: deps.tuning } : {}),
    handlers: {
      onUpsert(object) {
        index(object);
        deps.onChange(object);
      },
      onDelete(object) {
        unindex(object);
        deps.onChange(object);
      },
      onListed(objects) {
        uids.clear();
        objects.forEach(index);
      },
    },
  });
  let running = false;
  return {
    get(name) {
      const uid = uids.get(name);
      return (uid && reflector.get(uid)) || null;
    },
    list: () => reflector.list(),
    remember(object) {
      reflector.update(object);
      // Not cached when the watch already reported it deleted.
      if (reflector.get(object.metadata.uid)) index(object);
    },
    forget(name) {
      const uid = uids.get(name);
      if (uid === undefined) return;
      reflector.remove(uid);
      uids.delete(name);
    },
    async start() {
      if (running) return;
      await reflector.start();
      running = true;
    },
    async stop() {
      if (!running) return;
      running = false;
      await reflector.stop();
    },
  };
}
