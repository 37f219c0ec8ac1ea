import type { V1Container, V1EnvVar, V1Pod, V1SecurityContext } from '@kubernetes/client-node';
import type { InstanceRecord } from './instance-record.ts';
import {
  BOT_CONTAINER,
  botMetadata,
  CONFIG_HASH_ANNOTATION,
  objectName,
} from './resource-names.ts';
import { GENERATION_ANNOTATION, REGION_ANNOTATION } from './resource-names.ts';
import type { BotOwner } from './resource-names.ts';

/** Where a bot's broker keys live: a Secret in the pod's namespace and its two keys. */
export interface BrokerSecretRef {
  name: string;
  keyIdKey: string;
  secretKeyKey: string;
}

/** What a bot pod gets besides its instance record. */
export interface PodSettings {
  owner?: BotOwner | undefined;
  brokerSecret?: BrokerSecretRef | undefined;
  /** Writable emptyDir for the supervisor's `config/instances/<id>.yaml` and `.env`. */
  workDir: string;
  serviceAccountName?: string | undefined;
  imagePullSecrets?: readonly string[] | undefined;
}

/** The uid (and gid) bot containers run as: not root, and not a uid an image is likely to own. */
export const BOT_UID = 10001;

const RESTRICTED: V1SecurityContext = {
  runAsNonRoot: true,
  runAsUser: BOT_UID,
  runAsGroup: BOT_UID,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Whole or fractional cpus as a Kubernetes quantity in millicores (0.5 → `500m`). */
export function cpuQuantity(cpus: number): string {
  return `${String(Math.max(1, Math.round(cpus * 1000)))}m`;
}

/**
 * The bot's pod: one container running the image with the env of the bot's Secret (envFrom)
 * and the broker keys as secretKeyRefs (never copied), restricted as the `restricted` Pod
 * Security Standard asks, with a read-only root filesystem and emptyDirs for /tmp and the work
 * dir. `OnFailure`: the kubelet restarts a crashing bot; an exit 0 ends the pod (`crashed`).
 */
export function botPod(record: InstanceRecord, settings: PodSettings): V1Pod {
  const annotations: Record<string, string> = {
    [CONFIG_HASH_ANNOTATION]: record.configHash,
    [GENERATION_ANNOTATION]: String(record.generation),
  };
  if (record.region) annotations[REGION_ANNOTATION] = record.region;
  const quantities = {
    cpu: cpuQuantity(record.resources.cpus),
    memory: `${String(Math.ceil(record.resources.memoryMB))}Mi`,
  };
  const container: V1Container = {
    name: BOT_CONTAINER,
    image: record.image,
    envFrom: [{ secretRef: { name: objectName(record.botId) } }],
    env: brokerEnv(settings.brokerSecret),
    resources: { requests: quantities, limits: quantities },
    securityContext: RESTRICTED,
    volumeMounts: [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'work', mountPath: settings.workDir },
    ],
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: botMetadata(record.botId, settings.owner, annotations),
    spec: {
      restartPolicy: 'OnFailure',
      terminationGracePeriodSeconds: graceSeconds(record.stop.timeoutSeconds),
      // Bots talk to the control plane, never to the Kubernetes API.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      serviceAccountName: settings.serviceAccountName,
      imagePullSecrets: settings.imagePullSecrets?.map((name) => ({ name })),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: BOT_UID,
        runAsGroup: BOT_UID,
        fsGroup: BOT_UID,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [container],
      volumes: [
        { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
        { name: 'work', emptyDir: { sizeLimit: '1Gi' } },
      ],
    },
  };
}

function brokerEnv(ref: BrokerSecretRef | undefined): V1EnvVar[] {
  if (!ref) return [];
  const fromKey = (key: string) => ({ secretKeyRef: { name: ref.name, key } });
  return [
    { name: 'APCA_API_KEY_ID', valueFrom: fromKey(ref.keyIdKey) },
    { name: 'APCA_API_SECRET_KEY', valueFrom: fromKey(ref.secretKeyKey) },
  ];
}

/** A stop timeout as a grace period: at least 1 s, because 0 would force-delete the pod. */
export function graceSeconds(timeoutSeconds: number): number {
  return Math.max(1, Math.ceil(timeoutSeconds));
}
