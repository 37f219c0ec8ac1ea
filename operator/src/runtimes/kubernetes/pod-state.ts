import type { V1ContainerStateTerminated, V1Pod, V1Secret } from '@kubernetes/client-node';
import type { InstanceState, ObservedInstance } from '../runtime.ts';
import { desiredPodState, recordedPlacement, recordedRestarts } from './instance-record.ts';
import { BOT_CONTAINER, CONFIG_HASH_ANNOTATION, GENERATION_ANNOTATION } from './resource-names.ts';
import { managedBotId, objectName, REGION_ANNOTATION } from './resource-names.ts';

/** A bot's two objects as read from the apiserver (null: absent). */
export interface BotObjects {
  botId: string;
  name: string;
  pod: V1Pod | null;
  secret: V1Secret | null;
}

/**
 * The bot's instance as the BotRuntime reports it, derived from its pod and Secret only.
 * With a pod: its phase and container status (a pod being deleted is `stopping`, or
 * `destroying` once the Secret is gone). Without one: `stopped` when the Secret records a stop,
 * else `crashed` (deleted, evicted, or a create cut short), which the reconciler starts again.
 */
export function observedInstance(objects: BotObjects): ObservedInstance | null {
  const { pod, secret } = objects;
  if (!pod && !secret) return null;
  const annotation = (key: string): string | undefined =>
    pod?.metadata?.annotations?.[key] ?? secret?.metadata?.annotations?.[key];
  const recorded = recordedPlacement(secret);
  const base: ObservedInstance = {
    botId: objects.botId,
    instanceId: objects.name,
    state: 'pending',
    configHash: annotation(CONFIG_HASH_ANNOTATION) ?? '',
    generation: Number(annotation(GENERATION_ANNOTATION) ?? 0) || 0,
    image: botContainerImage(pod) ?? recorded.image ?? '',
    restarts: recordedRestarts(secret),
  };
  const region = pod ? annotation(REGION_ANNOTATION) : recorded.region;
  if (region) base.region = region;
  if (!pod) {
    return desiredPodState(secret) === 'stopped'
      ? { ...base, state: 'stopped' }
      : { ...base, state: 'crashed', lastExitCode: null };
  }
  const status = pod.status?.containerStatuses?.find((c) => c.name === BOT_CONTAINER);
  const exited = status?.state?.terminated ?? status?.lastState?.terminated;
  const seen: ObservedInstance = { ...base, restarts: base.restarts + (status?.restartCount ?? 0) };
  if (exited) Object.assign(seen, exitOf(exited));
  return { ...seen, state: podState(pod, secret !== null) };
}

function podState(pod: V1Pod, hasSecret: boolean): InstanceState {
  if (pod.metadata?.deletionTimestamp) return hasSecret ? 'stopping' : 'destroying';
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 'crashed';
  const status = pod.status?.containerStatuses?.find((c) => c.name === BOT_CONTAINER);
  if (status?.state?.terminated) return 'crashed';
  // Waiting after an exit: the kubelet's CrashLoopBackOff.
  if (status?.state?.waiting && status.lastState?.terminated) return 'crashed';
  if (phase !== 'Running') return 'pending';
  const ready = status
    ? status.ready
    : pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  return ready ? 'running' : 'pending';
}

function exitOf(exited: V1ContainerStateTerminated): Partial<ObservedInstance> {
  const at = exited.finishedAt ? new Date(exited.finishedAt) : undefined;
  return {
    lastExitCode: exited.exitCode,
    ...(at && !Number.isNaN(at.getTime()) ? { lastExitAt: at.toISOString() } : {}),
  };
}

function botContainerImage(pod: V1Pod | null): string | undefined {
  return pod?.spec?.containers.find((c) => c.name === BOT_CONTAINER)?.image;
}

/**
 * Listed pods and Secrets paired per bot, sorted by bot id. Objects without our labels, or
 * not under their bot's name, are left out: `destroy(botId)` could not remove them.
 */
export function groupByBot(pods: V1Pod[], secrets: V1Secret[]): BotObjects[] {
  const bots = new Map<string, BotObjects>();
  const entryOf = (meta: V1Pod['metadata']): BotObjects | undefined => {
    const botId = managedBotId(meta);
    if (!botId || meta?.name !== objectName(botId)) return undefined;
    const entry = bots.get(botId) ?? { botId, name: objectName(botId), pod: null, secret: null };
    bots.set(botId, entry);
    return entry;
  };
  for (const pod of pods) {
    const entry = entryOf(pod.metadata);
    if (entry) entry.pod = pod;
  }
  for (const secret of secrets) {
    const entry = entryOf(secret.metadata);
    if (entry) entry.secret = secret;
  }
  return [...bots.values()].sort((a, b) => (a.botId < b.botId ? -1 : a.botId > b.botId ? 1 : 0));
}
