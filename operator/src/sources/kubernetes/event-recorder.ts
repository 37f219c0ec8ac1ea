import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '@hmmtrade/platform';
import type { KubeObject } from './kube-object.ts';
import { createKubeApi, microTime } from '../../kube-client/kube-api.ts';

/** One Kubernetes Event about an object. */
export interface RecordedEvent {
  type: 'Normal' | 'Warning';
  /** CamelCase reason, e.g. the Ready condition's reason (at most 128 characters). */
  reason: string;
  /** Human-readable note (cut to 1 kB, the apiserver's limit). */
  note: string;
  /** What the controller did, e.g. `Reconcile` (default). */
  action?: string;
}

/** Records `events.k8s.io/v1` Events; shown by `kubectl describe` and `kubectl events`. */
export interface EventRecorder {
  /** Never throws: an Event is best effort, so a failure is logged and dropped. */
  record(object: KubeObject, event: RecordedEvent): Promise<void>;
}

/** Options of createEventRecorder. */
export interface EventRecorderOptions {
  kubeConfig: KubeConfig;
  /** `reportingController` (default `hmmtrade.io/operator`). */
  controller?: string;
  /** `reportingInstance`: this process, e.g. hostname:pid. */
  instance: string;
  logger: Logger;
}

const NOTE_LIMIT = 1024;

export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  const api = createKubeApi(options.kubeConfig);
  const controller = options.controller ?? 'hmmtrade.io/operator';
  return {
    async record(object, event) {
      const { name, namespace = 'default', uid, resourceVersion } = object.metadata;
      const note =
        event.note.length > NOTE_LIMIT ? `${event.note.slice(0, NOTE_LIMIT - 1)}…` : event.note;
      try {
        await api.post(
          `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/events`,
          {
            metadata: {
              // Unique like client-go's `<object>.<hex>`, within the 253-character name limit.
              name: `${name.slice(0, 230)}.${Date.now().toString(16)}${randomBytes(3).toString('hex')}`,
              namespace,
            },
            // MicroTime: the apiserver refuses eventTime without microsecond precision.
            eventTime: microTime(),
            reportingController: controller,
            reportingInstance: options.instance,
            action: event.action ?? 'Reconcile',
            reason: event.reason.slice(0, 128),
            note,
            type: event.type,
            regarding: {
              ...(object.apiVersion ? { apiVersion: object.apiVersion } : {}),
              ...(object.kind ? { kind: object.kind } : {}),
              name,
              namespace,
              uid,
              resourceVersion,
            },
          },
        );
      } catch (error) {
        options.logger.warn(
          { err: error, namespace, name, reason: event.reason },
          'could not record a Kubernetes event',
        );
      }
    },
  };
}
