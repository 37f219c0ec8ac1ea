export { startFlySim } from './fly-sim.ts';
export { FLY_RATE_LIMITS } from './rate-limiter.ts';
export {
  createOpenApiValidator,
  defaultFlySpecPath,
  type OpenApiValidator,
  type ValidationResult,
} from './openapi-validator.ts';
export type {
  FlySim,
  FlySimFaults,
  FlySimOptions,
  FlySimRateLimits,
  SimBucketLimit,
  SimLatency,
  SimMachineView,
} from './types.ts';
