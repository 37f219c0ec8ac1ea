export { createFlyRuntime } from './fly-runtime.ts';
export type { FlyRuntime, FlyRuntimeLogger, FlyRuntimeOptions } from './fly-runtime.ts';
export {
  createMachinesClient,
  flyCodeOf,
  flyStatusOf,
  FlyHttpError,
  isNameConflict,
} from './machines-client.ts';
export type {
  HeldLease,
  ListMachinesQuery,
  MachinesClient,
  MachinesClientOptions,
  WaitQuery,
} from './machines-client.ts';
export type { RetryOptions } from './machines-http.ts';
export { FLY_GET_MACHINE_LIMIT, FLY_MACHINE_ACTION_LIMIT } from './machines-rate-limits.ts';
export type { BucketLimit, MachinesRateLimitOptions } from './machines-rate-limits.ts';
export { BOT_ID_KEY, CONFIG_HASH_KEY, GENERATION_KEY, machineName } from './machine-mapping.ts';
export type * from './machines-types.ts';
