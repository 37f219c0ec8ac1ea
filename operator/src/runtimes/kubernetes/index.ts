export { createKubernetesRuntime } from './kubernetes-runtime.ts';
export type { KubernetesRuntime, KubernetesRuntimeOptions } from './kubernetes-runtime.ts';
export type { BrokerSecretRef } from './pod-spec.ts';
export type { BotOwner } from './resource-names.ts';
export {
  BOT_ID_LABEL,
  CONFIG_HASH_ANNOTATION,
  GENERATION_ANNOTATION,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  objectName,
} from './resource-names.ts';
