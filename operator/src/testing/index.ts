export * from './operator-harness.ts';
export { createFakeRuntime, type FakeRuntime } from '../runtimes/fake/fake-runtime.ts';
export { eventually } from '../runtimes/testing/eventually.ts';
export {
  kubeConfigWithToken,
  startKubeTestEnv,
  type KubeTestEnv,
} from '../runtimes/kubernetes/testing/kube-harness.ts';
export { startKubeletSim } from '../runtimes/kubernetes/testing/kubelet-sim.ts';
