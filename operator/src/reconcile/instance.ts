// The instance vocabulary shared by the reconcile core and every runtime (runtimes/runtime.ts).

/** How to stop: the supervisor flushes on the signal, and is killed after the timeout. */
export interface StopOptions {
  signal: StopSignal;
  timeoutSeconds: number;
}

export type StopSignal = 'SIGTERM' | 'SIGINT';

/** What the reconciler wants running for one bot. */
export interface DesiredInstance {
  botId: string;
  /** The spec generation this was derived from (recorded on the instance as metadata). */
  generation: number;
  image: string;
  /** The bot's environment: BOT_ID, the API URL, the machine JWT. Never a broker credential. */
  env: Readonly<Record<string, string>>;
  resources: { cpus: number; memoryMB: number };
  region?: string | undefined;
  stop: StopOptions;
  /**
   * A digest of everything above that the running instance must match (see `instanceConfigHash`
   * in reconcile/); a differing hash on the observed instance means drift.
   */
  configHash: string;
}

/** Lifecycle states every runtime maps its own onto. */
export type InstanceState =
  | 'pending' // accepted, not yet running (creating, starting, image pull …)
  | 'running'
  | 'stopping'
  | 'stopped' // stopped on request; can be started again
  | 'crashed' // exited on its own while it should run
  | 'destroying';

/** An instance as the runtime sees it now. */
export interface ObservedInstance {
  botId: string;
  /** Machine id, pod name, or local process key. */
  instanceId: string;
  state: InstanceState;
  /** The `configHash` and `generation` it was created or last updated with. */
  configHash: string;
  generation: number;
  image: string;
  region?: string | undefined;
  /** How many times it exited on its own since it was created. */
  restarts: number;
  /** Exit code of the last exit, when known (null: unknown, e.g. an adopted process). */
  lastExitCode?: number | null | undefined;
  /** When it last exited on its own (ISO 8601), for crash-loop backoff. */
  lastExitAt?: string | undefined;
}
