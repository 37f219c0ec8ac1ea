import { randomBytes } from 'node:crypto';
import { startEnvtest } from '@hmmtrade/testkit/envtest';
import type { Envtest } from '@hmmtrade/testkit/envtest';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { RuntimeUnderTest } from '../../runtime-contract.ts';
import { createKubernetesRuntime } from '../kubernetes-runtime.ts';
import type { KubernetesRuntime, KubernetesRuntimeOptions } from '../kubernetes-runtime.ts';
import { startKubeletSim } from './kubelet-sim.ts';
import type { KubeletSimOptions } from './kubelet-sim.ts';
import { makePooledApiClient } from '../../../kube-client/testing/pooled-api-client.ts';

/** A real apiserver for one test file, and an admin client of it. */
export interface KubeTestEnv {
  envtest: Envtest;
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  /** Creates a namespace of its own for one test. */
  namespace(): Promise<string>;
  stop(): Promise<void>;
}

export async function startKubeTestEnv(): Promise<KubeTestEnv> {
  const envtest = await startEnvtest();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(envtest.kubeconfig);
  const core = makePooledApiClient(kubeConfig, CoreV1Api);
  return {
    envtest,
    kubeConfig,
    core,
    async namespace() {
      const name = `t-${randomBytes(4).toString('hex')}`;
      await core.createNamespace({ body: { metadata: { name } } });
      return name;
    },
    stop: () => envtest.stop(),
  };
}

/** A client config for `server` (default: this apiserver) that authenticates with `token`. */
export function kubeConfigWithToken(env: KubeTestEnv, token: string, server?: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [
      {
        name: 'envtest',
        server: server ?? env.envtest.server,
        caData: Buffer.from(env.envtest.caPem).toString('base64'),
      },
    ],
    users: [{ name: 'user', token }],
    contexts: [{ name: 'envtest', cluster: 'envtest', user: 'user' }],
    currentContext: 'envtest',
  });
  return config;
}

/** Images the simulated kubelet treats specially. */
export const KUBE_IMAGES = {
  /** Ignores SIGTERM: its pod goes only when the grace period is over. */
  stubborn: 'ghcr.io/hmmtrade/bot:stubborn',
} as const;

/** A runtime under test and the namespace it works in. */
export interface KubeRuntimeUnderTest extends RuntimeUnderTest<KubernetesRuntime> {
  namespace: string;
}

/** What a test changes: runtime options, and the kubelet's (`false`: no kubelet at all). */
export interface KubeRuntimeOverrides {
  runtime?: Partial<KubernetesRuntimeOptions>;
  kubelet?: Partial<Omit<KubeletSimOptions, 'core' | 'namespace'>> | false;
}

/**
 * A runtime in a fresh namespace, with a simulated kubelet that runs its pods (and lets the
 * stubborn image's pods live out their grace period). Fast polling, 5 s stop slack.
 */
export async function kubernetesRuntimeUnderTest(
  env: KubeTestEnv,
  overrides: KubeRuntimeOverrides = {},
): Promise<KubeRuntimeUnderTest> {
  const namespace = await env.namespace();
  const kubelet =
    overrides.kubelet === false
      ? undefined
      : startKubeletSim({
          kubeConfig: env.kubeConfig,
          namespace,
          termination: (pod) =>
            pod.spec?.containers[0]?.image === KUBE_IMAGES.stubborn ? 'after-grace' : 'prompt',
          ...overrides.kubelet,
        });
  const runtime = createKubernetesRuntime({
    kubeConfig: env.kubeConfig,
    namespace,
    pollIntervalMs: 20,
    stopSlackSeconds: 5,
    ...overrides.runtime,
  });
  return {
    runtime,
    namespace,
    teardown: async () => {
      await runtime.close();
      await kubelet?.stop();
      // No namespace controller here: deleting only marks it; stopping envtest drops it all.
      await env.core.deleteNamespace({ name: namespace });
    },
  };
}
