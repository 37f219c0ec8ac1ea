import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig, V1Pod, V1Secret } from '@kubernetes/client-node';
import { createLogger, type Logger } from '@hmmtrade/platform';
import { StalledError, TransientError, WaitingError } from '../../reconcile/errors.ts';
import type { BotRuntime, DesiredInstance, ObservedInstance, StopOptions } from '../runtime.ts';
import {
  desiredPodState,
  instanceRecord,
  recordedRestarts,
  recordSecret,
} from './instance-record.ts';
import type { InstanceRecord } from './instance-record.ts';
import { createKeyedLock } from '../keyed-lock.ts';
import { createKubeObjects } from './kube-objects.ts';
import { createManagedObjects } from './managed-objects.ts';
import { botPod, graceSeconds } from './pod-spec.ts';
import type { BrokerSecretRef } from './pod-spec.ts';
import { groupByBot, observedInstance } from './pod-state.ts';
import type { BotObjects } from './pod-state.ts';
import {
  CONFIG_HASH_ANNOTATION,
  DESIRED_STATE_ANNOTATION,
  RESTARTS_ANNOTATION,
} from './resource-names.ts';
import { managedBotId, objectName } from './resource-names.ts';
import type { BotOwner } from './resource-names.ts';
import { createKubeApi } from '../../kube-client/kube-api.ts';

/** Options of `createKubernetesRuntime`. */
export interface KubernetesRuntimeOptions {
  /** Server and credentials (in a cluster: `loadFromCluster()`). */
  kubeConfig: KubeConfig;
  /** Where the bots' pods and Secrets live; an owner must live here too. */
  namespace: string;
  /** The TradingBot owning a bot's objects, so deleting it garbage-collects them. */
  ownerFor?: (botId: string) => BotOwner | undefined;
  /** The bot's `spec.broker.secretRef`: mounted as APCA_API_KEY_ID / APCA_API_SECRET_KEY. */
  secretRefFor?: (botId: string) => BrokerSecretRef | undefined;
  /** Writable directory of the bot (default `/var/lib/hmmtrade`). */
  workDir?: string;
  serviceAccountName?: string;
  imagePullSecrets?: readonly string[];
  /** Time past a pod's grace period for the kubelet to report it gone (default 15 s). */
  stopSlackSeconds?: number;
  /** Pause between looks at the cache while waiting for a pod to go (default 200 ms). */
  pollIntervalMs?: number;
  /** Where the pod and Secret informers log list/watch failures (default: nowhere). */
  logger?: Logger;
}

/** BotRuntime on Kubernetes: per bot one bare pod and one Secret, both named `bot-<id>`. */
export interface KubernetesRuntime extends BotRuntime {
  readonly backend: 'kubernetes';
  readonly namespace: string;
  /** The name of the bot's pod and Secret. */
  objectName(botId: string): string;
  /** Stops the pod and Secret informers (they start on first use). */
  close(): Promise<void>;
}

/** How soon to look again at a pod that outlived its grace period (its node may be gone). */
const TERMINATING_REQUEUE_MS = 5_000;

/**
 * Reads come from informers over the runtime's pods and Secrets (no request per observe), and
 * every write's answer goes into them, so the runtime reads what it wrote. A change of a bot's
 * objects made by anyone else (the kubelet, a person) reaches the operator through `watch`.
 */
export function createKubernetesRuntime(options: KubernetesRuntimeOptions): KubernetesRuntime {
  const { namespace } = options;
  const api = createKubeApi(options.kubeConfig);
  const objects = createKubeObjects({ api, namespace });
  const cache = createManagedObjects({
    kubeConfig: options.kubeConfig,
    api,
    namespace,
    logger: options.logger ?? createLogger({ component: 'kubernetes-runtime', level: 'silent' }),
  });
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const slackMs = (options.stopSlackSeconds ?? 15) * 1000;
  const lock = createKeyedLock();
  const ownerFor = (botId: string) => options.ownerFor?.(botId);
  const podFor = (record: InstanceRecord): V1Pod =>
    botPod(record, {
      owner: ownerFor(record.botId),
      brokerSecret: options.secretRefFor?.(record.botId),
      workDir: options.workDir ?? '/var/lib/hmmtrade',
      serviceAccountName: options.serviceAccountName,
      imagePullSecrets: options.imagePullSecrets,
    });

  const createPod = async (pod: V1Pod) => {
    const made = await objects.createPod(pod);
    if (made) cache.pods.remember(made);
    return made;
  };
  const createSecret = async (secret: V1Secret) => {
    const made = await objects.createSecret(secret);
    if (made) cache.secrets.remember(made);
    return made;
  };
  /** Creates the bot's pod; a name already taken is read live (StalledError if not the bot's). */
  const ensurePod = async (botId: string, record: InstanceRecord) => {
    if (!(await createPod(podFor(record)))) await readLive(botId);
  };
  const annotateSecret = async (name: string, annotations: Record<string, string | null>) => {
    cache.secrets.remember(await objects.annotateSecret(name, annotations));
  };

  async function read(botId: string): Promise<BotObjects> {
    await cache.ready();
    const name = objectName(botId);
    return owned(botId, {
      botId,
      name,
      pod: cache.pods.get(name),
      secret: cache.secrets.get(name),
    });
  }

  /** The live objects, for when a create finds the name taken (the cache may lag behind). */
  async function readLive(botId: string): Promise<BotObjects> {
    const name = objectName(botId);
    const [pod, secret] = await Promise.all([objects.readPod(name), objects.readSecret(name)]);
    const found = owned(botId, { botId, name, pod, secret });
    if (pod) cache.pods.remember(pod);
    if (secret) cache.secrets.remember(secret);
    return found;
  }

  function owned(botId: string, found: BotObjects): BotObjects {
    for (const [kind, object] of [
      ['pod', found.pod],
      ['Secret', found.secret],
    ] as const) {
      if (object && managedBotId(object.metadata) !== botId) {
        throw new StalledError(
          `kubernetes: ${kind} ${found.name} exists and is not bot ${botId}'s`,
        );
      }
    }
    return found;
  }

  function reported(found: BotObjects): ObservedInstance {
    const seen = observedInstance(found);
    if (!seen) throw new TransientError(`kubernetes: bot ${found.botId} has no instance`);
    return seen;
  }

  const observeNow = async (botId: string) => reported(await read(botId));

  /** Polls the cache until the pod with `uid` is gone; false if it is still there at the end. */
  async function waitPodGone(name: string, uid: string | undefined, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pod = cache.pods.get(name);
      if (!pod || (uid !== undefined && pod.metadata.uid !== uid)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(pollIntervalMs);
    }
  }

  /**
   * Deletes the pod (the kubelet sends the stop signal, and SIGKILL after the grace period) and
   * waits for it to go. One that outlives grace plus slack is left `stopping`: WaitingError.
   */
  async function removePod(name: string, pod: V1Pod, gracePeriodSeconds?: number) {
    const uid = pod.metadata?.uid;
    const left = await objects.deletePod(name, { gracePeriodSeconds, uid });
    if (left?.metadata.deletionTimestamp) cache.pods.remember(left);
    else if (left) cache.pods.forget(name);
    let waitMs = (gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    const deleting = pod.metadata?.deletionTimestamp;
    // Already terminating: its grace period ends at deletionTimestamp (or sooner, shortened now).
    if (deleting) waitMs = Math.min(waitMs, Math.max(0, new Date(deleting).getTime() - Date.now()));
    if (!(await waitPodGone(name, uid, waitMs + slackMs))) {
      throw new WaitingError(
        `kubernetes: pod ${name} is still terminating`,
        TERMINATING_REQUEUE_MS,
      );
    }
  }

  /**
   * Creates the Secret, then the pod, and reports them as the apiserver returned them: a new
   * bot costs two writes and no read. When the Secret already exists (a retried or concurrent
   * create), it goes on from what is there.
   */
  async function create(desired: DesiredInstance): Promise<ObservedInstance> {
    const { botId } = desired;
    await cache.ready();
    const secret = await createSecret(recordSecret(desired, 'running', 0, ownerFor(botId)));
    if (!secret) return createFromExisting(desired);
    const pod = await createPod(podFor(instanceRecord(botId, secret)));
    return reported(pod ? { botId, name: objectName(botId), pod, secret } : await readLive(botId));
  }

  async function createFromExisting(desired: DesiredInstance): Promise<ObservedInstance> {
    const { botId } = desired;
    const found = await readLive(botId);
    const { name, secret } = found;
    if (!secret) throw new TransientError(`kubernetes: secret ${name} came and went`);
    if (found.pod || desiredPodState(secret) !== 'running') return reported(found);
    const pod = await createPod(podFor(instanceRecord(botId, secret)));
    return reported(pod ? { ...found, pod } : await readLive(botId));
  }

  async function start(botId: string): Promise<ObservedInstance> {
    const current = await read(botId);
    const { name, pod, secret } = current;
    const live = pod && !pod.metadata?.deletionTimestamp && !isTerminal(pod);
    if (!secret) {
      if (live) return reported(current);
      throw new TransientError(`kubernetes: start: bot ${botId} has no instance`);
    }
    if (live) {
      if (desiredPodState(secret) !== 'running') {
        await annotateSecret(name, { [DESIRED_STATE_ANNOTATION]: 'running' });
      }
      return observeNow(botId);
    }
    let restarts = recordedRestarts(secret);
    if (pod) {
      // A pod that ended on its own: its exits count, and this start is one more restart.
      if (isTerminal(pod)) restarts = (observedInstance(current)?.restarts ?? restarts) + 1;
      await removePod(name, pod);
    }
    await annotateSecret(name, {
      [DESIRED_STATE_ANNOTATION]: 'running',
      [RESTARTS_ANNOTATION]: restarts > 0 ? String(restarts) : null,
    });
    await ensurePod(botId, instanceRecord(botId, secret));
    return observeNow(botId);
  }

  async function stop(botId: string, stopOptions: StopOptions): Promise<void> {
    // Kubernetes sends the image's stop signal (SIGTERM); the supervisor treats SIGINT alike.
    const { name, pod, secret } = await read(botId);
    if (secret && desiredPodState(secret) !== 'stopped') {
      await annotateSecret(name, { [DESIRED_STATE_ANNOTATION]: 'stopped' });
    }
    if (pod) await removePod(name, pod, graceSeconds(stopOptions.timeoutSeconds));
  }

  async function update(desired: DesiredInstance): Promise<ObservedInstance> {
    const { botId } = desired;
    const current = await read(botId);
    const { name, pod, secret } = current;
    const seen = observedInstance(current);
    if (!seen) return create(desired);
    const recordedHash = secret?.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
    if (seen.configHash === desired.configHash && recordedHash === desired.configHash) return seen;
    // A stopped bot gets the new record only; a running one a new pod from it.
    const state = desiredPodState(secret);
    if (pod) await removePod(name, pod);
    const body = recordSecret(desired, state, recordedRestarts(secret), ownerFor(botId));
    if (secret) {
      cache.secrets.remember(await objects.replaceSecret(body, secret.metadata?.resourceVersion));
    } else await createSecret(body);
    if (state === 'running') await ensurePod(botId, desired);
    return observeNow(botId);
  }

  async function destroy(botId: string): Promise<void> {
    const { name, pod, secret } = await read(botId);
    // The Secret goes last: while it exists the bot is still an instance, so destroy is retried.
    if (pod) await removePod(name, pod);
    if (secret) {
      await objects.deleteSecret(name);
      cache.secrets.forget(name);
    }
  }

  return {
    backend: 'kubernetes',
    namespace,
    objectName,
    observe: async (botId) => observedInstance(await read(botId)),
    async list() {
      await cache.ready();
      return groupByBot(cache.pods.list(), cache.secrets.list())
        .map(observedInstance)
        .filter((seen): seen is ObservedInstance => seen !== null);
    },
    async watch(onChange) {
      cache.onChange(onChange);
      await cache.ready();
    },
    close: () => cache.close(),
    create: (desired) => lock.run(desired.botId, () => create(desired)),
    start: (botId) => lock.run(botId, () => start(botId)),
    stop: (botId, stopOptions) => lock.run(botId, () => stop(botId, stopOptions)),
    update: (desired) => lock.run(desired.botId, () => update(desired)),
    destroy: (botId) => lock.run(botId, () => destroy(botId)),
  };
}

function isTerminal(pod: V1Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}
