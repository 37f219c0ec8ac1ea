import type { V1Secret } from '@kubernetes/client-node';
import { z } from 'zod';
import { StalledError } from '../../reconcile/errors.ts';
import type { DesiredInstance } from '../runtime.ts';
import { botMetadata, CONFIG_HASH_ANNOTATION, DESIRED_STATE_ANNOTATION } from './resource-names.ts';
import type { BotOwner } from './resource-names.ts';
import {
  GENERATION_ANNOTATION,
  INSTANCE_ANNOTATION,
  RESTARTS_ANNOTATION,
} from './resource-names.ts';

/** Everything a bot's pod is built from except the env, which lives in the Secret's data. */
export type InstanceRecord = Omit<DesiredInstance, 'env'>;

/** What the bot's pod should be doing: `stop` records `stopped` before it deletes the pod. */
export type DesiredPodState = 'running' | 'stopped';

const storedSchema = z.object({
  image: z.string(),
  resources: z.object({ cpus: z.number(), memoryMB: z.number() }),
  region: z.string().optional(),
  stop: z.object({ signal: z.enum(['SIGTERM', 'SIGINT']), timeoutSeconds: z.number() }),
});

/**
 * The bot's Secret: the env as data (mounted with envFrom), and as annotations the rest of the
 * desired instance, the desired pod state and the restart count of earlier pods. It outlives
 * the pod, so a stopped bot is still an instance and `start` can rebuild its pod.
 */
export function recordSecret(
  desired: DesiredInstance,
  state: DesiredPodState,
  restarts: number,
  owner: BotOwner | undefined,
): V1Secret {
  const { image, resources, region, stop } = desired;
  const annotations: Record<string, string> = {
    [CONFIG_HASH_ANNOTATION]: desired.configHash,
    [GENERATION_ANNOTATION]: String(desired.generation),
    [DESIRED_STATE_ANNOTATION]: state,
    [INSTANCE_ANNOTATION]: JSON.stringify({ image, resources, region, stop }),
  };
  if (restarts > 0) annotations[RESTARTS_ANNOTATION] = String(restarts);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: botMetadata(desired.botId, owner, annotations),
    type: 'Opaque',
    stringData: { ...desired.env },
  };
}

const annotation = (secret: V1Secret | null, key: string): string | undefined =>
  secret?.metadata?.annotations?.[key];

/** The desired pod state a Secret records (`running` unless it says `stopped`). */
export function desiredPodState(secret: V1Secret | null): DesiredPodState {
  return annotation(secret, DESIRED_STATE_ANNOTATION) === 'stopped' ? 'stopped' : 'running';
}

/** Restarts of the bot's earlier pods. */
export function recordedRestarts(secret: V1Secret | null): number {
  const value = Number(annotation(secret, RESTARTS_ANNOTATION) ?? 0);
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** The image and region the Secret records, without failing on a damaged annotation. */
export function recordedPlacement(secret: V1Secret | null): { image?: string; region?: string } {
  const parsed = parseStored(secret);
  if (!parsed.success) return {};
  const { image, region } = parsed.data;
  return region === undefined ? { image } : { image, region };
}

/** The instance a Secret records; a damaged record needs a new spec generation to rewrite it. */
export function instanceRecord(botId: string, secret: V1Secret): InstanceRecord {
  const parsed = parseStored(secret);
  if (!parsed.success) {
    throw new StalledError(
      `kubernetes: Secret ${String(secret.metadata?.name)} has no readable ${INSTANCE_ANNOTATION}`,
    );
  }
  return {
    botId,
    configHash: annotation(secret, CONFIG_HASH_ANNOTATION) ?? '',
    generation: Number(annotation(secret, GENERATION_ANNOTATION) ?? 0),
    ...parsed.data,
  };
}

function parseStored(secret: V1Secret | null) {
  let json: unknown;
  try {
    json = JSON.parse(annotation(secret, INSTANCE_ANNOTATION) ?? 'null');
  } catch {
    json = null;
  }
  return storedSchema.safeParse(json);
}
