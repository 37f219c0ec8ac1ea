import { setTimeout as sleep } from 'node:timers/promises';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';

/** How the simulated kubelet ends a pod being deleted. */
export type Termination =
  /** Its process exits on the signal: the pod is removed at once. */
  | 'prompt'
  /** Its process ignores the signal: the pod is removed when the grace period is over. */
  | 'after-grace'
  /** The node is gone: the pod stays terminating. */
  | 'never';

/** Options of `startKubeletSim`. */
export interface KubeletSimOptions {
  core: CoreV1Api;
  namespace: string;
  nodeName?: string;
  /** Pause between passes over the namespace's pods (default 25 ms). */
  intervalMs?: number;
  /** Per pod (default `prompt`). */
  termination?: (pod: V1Pod) => Termination;
}

/** A running simulated kubelet (and scheduler). */
export interface KubeletSim {
  /** Ends the polling loop; resolves once the current pass is over. */
  stop(): Promise<void>;
}

/**
 * envtest has no scheduler and no kubelet, so this plays both for one namespace: it binds new
 * pods to a node, reports them Running and ready, and completes the deletion of terminating pods
 * the way a kubelet does (a delete with grace 0 once the container is gone). Pods it has
 * started are left alone, so a test can set their status itself (a crash, for instance).
 * Every write names the pod's uid, so a replacement pod of the same name is never touched.
 */
export function startKubeletSim(options: KubeletSimOptions): KubeletSim {
  const { core, namespace } = options;
  const nodeName = options.nodeName ?? 'envtest-node';
  const termination = options.termination ?? (() => 'prompt');
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  let stopped = false;

  async function handle(pod: V1Pod): Promise<void> {
    const name = pod.metadata?.name ?? '';
    const uid = pod.metadata?.uid;
    const deleting = pod.metadata?.deletionTimestamp;
    if (deleting) {
      const how = termination(pod);
      if (how === 'never' || (how === 'after-grace' && Date.now() < new Date(deleting).getTime())) {
        return;
      }
      // Grace in the body: with a body present the apiserver ignores the query parameter.
      const body = { gracePeriodSeconds: 0, preconditions: { uid } };
      await core.deleteNamespacedPod({ namespace, name, body });
    } else if (!pod.spec?.nodeName) {
      const body = { metadata: { name, uid }, target: { kind: 'Node', name: nodeName } };
      await core.createNamespacedPodBinding({ namespace, name, body });
    } else if (!pod.status?.phase || pod.status.phase === 'Pending') {
      await core.patchNamespacedPodStatus(
        { namespace, name, body: { metadata: { uid }, status: runningStatus(pod) } },
        mergePatch,
      );
    }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        const pods = await core.listNamespacedPod({ namespace });
        // A pod that changed or went since the list fails its write; the next pass sees it.
        await Promise.allSettled(pods.items.map(handle));
      } catch {
        // The apiserver is stopping or busy: try again on the next pass.
      }
      await sleep(options.intervalMs ?? 25);
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** Status of a pod whose containers all started and are ready. */
export function runningStatus(pod: V1Pod, at = new Date()) {
  return {
    phase: 'Running',
    startTime: at,
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at }],
    containerStatuses: (pod.spec?.containers ?? []).map((container) => ({
      name: container.name,
      image: container.image ?? '',
      imageID: '',
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: at } },
    })),
  };
}
