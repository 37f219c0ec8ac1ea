import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { createKubeApi } from '../../../kube-client/kube-api.ts';
import type { KubeObject } from '../../../sources/kubernetes/kube-object.ts';
import { createReflector } from '../../../sources/kubernetes/reflector.ts';
import { restListWatch } from '../../../sources/kubernetes/rest-list-watch.ts';
import { quietLogger } from '../../../testing/operator-harness.ts';

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
  kubeConfig: KubeConfig;
  namespace: string;
  nodeName?: string;
  /** Pause between passes over the pods it knows, for terminations that wait (default 25 ms). */
  intervalMs?: number;
  /** Per pod (default `prompt`). */
  termination?: (pod: V1Pod) => Termination;
}

/** A running simulated kubelet (and scheduler). */
export interface KubeletSim {
  /** Stops watching; resolves once the current pass is over. */
  stop(): Promise<void>;
}

type Pod = V1Pod & KubeObject;

/**
 * envtest has no scheduler and no kubelet, so this plays both for one namespace: it binds new
 * pods to a node, reports them Running and ready, and completes the deletion of terminating pods
 * the way a kubelet does (a delete with grace 0 once the container is gone). Like a kubelet it
 * watches the pods (a list of a thousand pods on every pass would load the apiserver more than
 * what is being tested) and acts on each change at once; a pass every `intervalMs` ends pods
 * whose grace period ran out. Pods it has started are left alone, so a test can set their status
 * itself (a crash, for instance). Every write names the pod's uid, so a replacement pod of the
 * same name is never touched.
 */
export function startKubeletSim(options: KubeletSimOptions): KubeletSim {
  const { namespace } = options;
  const nodeName = options.nodeName ?? 'envtest-node';
  const termination = options.termination ?? (() => 'prompt');
  const api = createKubeApi(options.kubeConfig);
  const pods = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
  // The version of each pod last acted on: a change the watch has not shown yet is not redone.
  const actedOn = new Map<string, string>();
  let stopped = false;

  async function handle(pod: Pod): Promise<void> {
    const { name, uid, resourceVersion, deletionTimestamp: deleting } = pod.metadata;
    if (stopped || actedOn.get(uid) === resourceVersion) return;
    const path = `${pods}/${encodeURIComponent(name)}`;
    if (deleting) {
      const how = termination(pod);
      if (how === 'never' || (how === 'after-grace' && Date.now() < new Date(deleting).getTime())) {
        return;
      }
      actedOn.set(uid, resourceVersion);
      // Grace in the body: with a body present the apiserver ignores the query parameter.
      await api.delete(path, { gracePeriodSeconds: 0, preconditions: { uid } });
    } else if (!pod.spec?.nodeName) {
      actedOn.set(uid, resourceVersion);
      const body = { metadata: { name, uid }, target: { kind: 'Node', name: nodeName } };
      await api.post(`${path}/binding`, body);
    } else if (!pod.status?.phase || pod.status.phase === 'Pending') {
      actedOn.set(uid, resourceVersion);
      await api.mergePatch(`${path}/status`, { metadata: { uid }, status: runningStatus(pod) });
    }
  }
  // A write that fails (the pod changed or went) is retried from the pod's next version.
  const act = (pod: Pod) =>
    handle(pod).catch(() => {
      actedOn.delete(pod.metadata.uid);
    });

  const reflector = createReflector<Pod>({
    listWatch: restListWatch<Pod>({ api, kubeConfig: options.kubeConfig, path: pods }),
    logger: quietLogger(),
    handlers: {
      onUpsert: (pod) => void act(pod),
      onDelete: (pod) => actedOn.delete(pod.metadata.uid),
    },
  });
  const loop = (async () => {
    while (!stopped) {
      try {
        await reflector.start();
        break;
      } catch {
        // The apiserver is not answering yet: try again.
        await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
      }
    }
    while (!stopped) {
      await Promise.all(reflector.list().map(act));
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      await loop;
      await reflector.stop();
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
