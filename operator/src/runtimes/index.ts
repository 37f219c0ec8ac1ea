export type {
  BotRuntime,
  DesiredInstance,
  InstanceState,
  ObservedInstance,
  StopOptions,
  StopSignal,
} from './runtime.ts';
export { createFakeRuntime } from './fake/fake-runtime.ts';
export type { FakeMethod, FakeRuntime, FakeRuntimeOptions } from './fake/fake-runtime.ts';
export type { FakeFaults, FakeLatency, FaultControl } from './fake/faults.ts';
export { createLocalRuntime } from './local/local-runtime.ts';
export type {
  LocalRuntime,
  LocalRuntimeLogger,
  LocalRuntimeOptions,
} from './local/local-runtime.ts';
export { createFlyRuntime } from './fly/index.ts';
export type { FlyRuntime, FlyRuntimeOptions } from './fly/index.ts';
export { createKubernetesRuntime } from './kubernetes/index.ts';
export type { KubernetesRuntime, KubernetesRuntimeOptions } from './kubernetes/index.ts';
