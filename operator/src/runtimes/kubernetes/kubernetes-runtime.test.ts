import { afterAll, beforeAll } from 'vitest';
import { describeRuntimeContract } from '../runtime-contract.ts';
import {
  KUBE_IMAGES,
  kubernetesRuntimeUnderTest,
  startKubeTestEnv,
} from './testing/kube-harness.ts';
import type { KubeTestEnv } from './testing/kube-harness.ts';

let env: KubeTestEnv | undefined;
beforeAll(async () => {
  env = await startKubeTestEnv();
});
afterAll(async () => {
  await env?.stop();
});

const started = (): KubeTestEnv => {
  if (!env) throw new Error('envtest did not start');
  return env;
};

describeRuntimeContract('kubernetes', () => kubernetesRuntimeUnderTest(started()), {
  stubborn: { desired: { image: KUBE_IMAGES.stubborn } },
});
