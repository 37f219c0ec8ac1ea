/** Latency added to every /v1 call: a fixed delay, or uniform between `min` and `max`. */
export type SimLatency = number | { min: number; max: number };

/**
 * Faults injected into every /v1 call (admin endpoint POST /admin/faults takes the same JSON;
 * DELETE /admin/faults clears). All off by default.
 */
export interface FlySimFaults {
  /** Share of calls answered 500/502/503 before taking effect (0..1). */
  errorRatio: number;
  /** Share of calls answered 429 with a Retry-After header (0..1). */
  rateLimitRatio: number;
  /**
   * Share of calls that hang until the client gives up (or the sim stops), then drop the
   * connection without answering; the call never takes effect (0..1).
   */
  timeoutRatio: number;
  latencyMs: SimLatency;
  /** Every call answers 503. */
  outage: boolean;
  /**
   * Share of calls that take effect and then drop the connection instead of answering, like a
   * response lost on the way back (0..1). Optional extension; default 0.
   */
  lostResponseRatio?: number;
}

/** A token bucket: `perSecond` refill rate, `burst` capacity. */
export interface SimBucketLimit {
  perSecond: number;
  burst: number;
}

/**
 * The documented Machines API limits, one bucket per action and per machine, or per app for the
 * actions that name no machine: every action 1 request/s with burst 3, Get Machine 5/s with
 * burst 10.
 */
export interface FlySimRateLimits {
  /** Any action on one machine (update, start, stop, wait, lease …). */
  action: SimBucketLimit;
  /** Get Machine, per machine. */
  getMachine: SimBucketLimit;
  /** Create machine and list machines, per app (each its own bucket). */
  appAction: SimBucketLimit;
}

/** How to start a sim; every field optional. */
export interface FlySimOptions {
  /**
   * Image reference → argv to run for a machine of that image (the image's entrypoint; a
   * machine's `init.cmd` is appended, `init.entrypoint` replaces it, `init.exec` replaces both).
   * A machine whose image is unknown fails to start (state `failed`; an event says why).
   */
  images?: Readonly<Record<string, readonly string[]>>;
  /** Listen address; default 127.0.0.1 and a free port. */
  host?: string;
  port?: number;
  /** Bearer token required on every /v1 call (default random, exposed as `token`); 401 otherwise. */
  token?: string;
  faults?: Partial<FlySimFaults>;
  /** Enforce the documented limits: true (default), false, or custom buckets. */
  rateLimits?: boolean | Partial<FlySimRateLimits>;
  /** Seed of the fault randomness (and of transition jitter), for reproducible runs. */
  seed?: number;
  /** Where machine process output and scratch roots live (default: a temp dir, removed on stop). */
  stateDir?: string;
  /** Env under every machine process (PATH, HOME …); default a standard PATH only. */
  baseEnv?: Readonly<Record<string, string>>;
  /** Region for machines created without one (default `iad`). */
  defaultRegion?: string;
  /** Delay of each lifecycle step (default uniform 5..30 ms). */
  transitionMs?: SimLatency;
  /** How long after create a wait on the machine answers 404, as Fly does (default 50 ms). */
  waitNotFoundMs?: number;
}

/** A running sim. */
export interface FlySim {
  /** Base URL, e.g. http://127.0.0.1:43121; the API lives under `${url}/v1`. */
  url: string;
  token: string;
  setFaults(faults: Partial<FlySimFaults>): void;
  clearFaults(): void;
  /** Inspection for tests: machines of `app` (all apps when omitted), destroyed ones excluded. */
  machines(app?: string): readonly SimMachineView[];
  /** Captured stdout+stderr of a machine's process so far (all its runs, appended). */
  output(app: string, machineId: string): string;
  /** Stops the server and kills every machine process. */
  stop(): Promise<void>;
}

/** A machine as the sim's inspection API shows it. */
export interface SimMachineView {
  id: string;
  name: string;
  app: string;
  state: string;
  image: string;
  metadata: Record<string, string>;
  /** The machine's current version (`instance_id` and `version` in the API). */
  instanceId: string;
  /** Pid of the machine's process (its process group leader), null when none runs. */
  pid: number | null;
  /** The env its current (or last) process got, FLY_* variables included. */
  env: Record<string, string>;
}
