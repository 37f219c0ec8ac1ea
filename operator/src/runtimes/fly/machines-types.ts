// A hand-written subset of the Fly Machines OpenAPI document
// (../shared/specs/fly-machines-openapi.json): only what the Fly runtime sends and reads.
// Property names follow the document exactly; every property is optional there.

/** Signals the API accepts for a stop (`fly.StopConfig.signal`, `StopRequest.signal`). */
export type FlySignal =
  'SIGHUP' | 'SIGINT' | 'SIGQUIT' | 'SIGKILL' | 'SIGUSR1' | 'SIGUSR2' | 'SIGTERM';

/** States a wait can target (`GET …/wait?state=`). */
export type WaitState = 'started' | 'stopped' | 'suspended' | 'destroyed' | 'failed' | 'settled';

/** `fly.MachineGuest`: the VM size. */
export interface MachineGuest {
  cpu_kind?: string;
  cpus?: number;
  memory_mb?: number;
}

/** `fly.MachineRestart`: what flyd does when the main process exits. */
export interface MachineRestart {
  policy?: 'no' | 'always' | 'on-failure';
  max_retries?: number;
}

/** `fly.StopConfig`: how the machine is stopped; `timeout` is a Go duration such as `30s`. */
export interface StopConfig {
  signal?: FlySignal;
  timeout?: string;
}

/** `fly.MachineConfig` (subset). */
export interface MachineConfig {
  image?: string;
  env?: Record<string, string>;
  guest?: MachineGuest;
  metadata?: Record<string, string>;
  restart?: MachineRestart;
  stop_config?: StopConfig;
  auto_destroy?: boolean;
}

/** `ImageRef`: the resolved image of a machine. */
export interface ImageRef {
  registry?: string;
  repository?: string;
  tag?: string;
  digest?: string;
}

/** `MachineEvent`: one lifecycle event (`exit` events carry the exit code in `request`). */
export interface MachineEvent {
  id?: string;
  type?: string;
  status?: string;
  source?: string;
  timestamp?: number;
  request?: Record<string, unknown>;
}

/** `Machine` (subset). `instance_id` is the deprecated alias of `version`. */
export interface Machine {
  id?: string;
  name?: string;
  state?: string;
  region?: string;
  config?: MachineConfig;
  image_ref?: ImageRef;
  instance_id?: string;
  version?: string;
  created_at?: string;
  updated_at?: string;
  events?: MachineEvent[];
  nonce?: string;
}

/** `CreateMachineRequest` (subset). */
export interface CreateMachineRequest {
  name?: string;
  region?: string;
  config?: MachineConfig;
  skip_launch?: boolean;
  lease_ttl?: number;
}

/**
 * `UpdateMachineRequest` (subset). `current_version` is the optimistic-concurrency guard: a
 * machine that has moved on answers 409 (the document) or 412, and nothing changes.
 */
export interface UpdateMachineRequest {
  config?: MachineConfig;
  current_version?: string;
  region?: string;
  skip_launch?: boolean;
}

/** `StopRequest`: the signal and how long to wait for the exit before killing (`30s`). */
export interface StopRequest {
  signal?: FlySignal;
  timeout?: string;
}

/** `CreateLeaseRequest`: `ttl` in seconds. */
export interface CreateLeaseRequest {
  ttl?: number;
  description?: string;
}

/** `Lease`: `expires_at` is a unix timestamp in seconds. */
export interface Lease {
  nonce?: string;
  expires_at?: number;
  owner?: string;
  version?: string;
  description?: string;
}

/** `WaitMachineResponse`. */
export interface WaitMachineResponse {
  ok?: boolean;
  state?: string;
  version?: string;
  event_id?: string;
}

/** `main.statusCode`: the machine-readable part of an error. */
export type ErrorStatusCode =
  'unknown' | 'insufficient_capacity' | 'volume_placement_capacity' | 'name_taken';

/** `ErrorResponse`: the body of a failed call. */
export interface ErrorResponse {
  error?: string;
  /** An `ErrorStatusCode`, or a code this subset does not name. */
  status?: string;
  details?: Record<string, unknown>;
}

/** `CreateAppRequest` (subset). */
export interface CreateAppRequest {
  name?: string;
  org_slug?: string;
  network?: string;
  idempotency_key?: string;
}

/** `App` (subset). */
export interface App {
  id?: string;
  name?: string;
  status?: string;
  machine_count?: number;
}
