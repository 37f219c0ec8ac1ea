import { afterAll, afterEach, beforeAll } from 'vitest';
import { kubernetesRuntimeUnderTest, startKubeTestEnv } from './kube-harness.ts';
import type { KubeRuntimeOverrides, KubeRuntimeUnderTest, KubeTestEnv } from './kube-harness.ts';

/**
 * The hooks of a test file on one apiserver: started before all tests (`ready` receives it),
 * stopped after all. Returns the maker of a runtime under test (a namespace and a simulated
 * kubelet of its own), torn down after each test.
 */
export function useKubeRuntimeEnv(
  ready: (env: KubeTestEnv) => void | Promise<void>,
): (overrides?: KubeRuntimeOverrides) => Promise<KubeRuntimeUnderTest> {
  let env: KubeTestEnv | undefined;
  let made: KubeRuntimeUnderTest | undefined;
  beforeAll(async () => {
    env = await startKubeTestEnv();
    await ready(env);
  });
  afterAll(async () => {
    await env?.stop();
  });
  afterEach(async () => {
    await made?.teardown();
    made = undefined;
  });
  return async (overrides = {}) => {
    if (!env) throw new Error('useKubeRuntimeEnv: the apiserver is not started yet');
    made = await kubernetesRuntimeUnderTest(env, overrides);
    return made;
  };
}
