import type { Backend } from '@hmmtrade/crds';

/**
 * The BotRuntime contract (DESIGN §4, Crossplane shape). One instance (machine, pod, process)
 * per bot, found by the bot id alone:
 * - `observe` / `list` never mutate;
 * - `create` is idempotent: the instance is named deterministically from the bot id and tagged
 *   with it, so a retried or crash-interrupted create returns the existing instance instead of
 *   making a second one;
 * - `stop` and `destroy` of something missing succeed;
 * - failures are thrown as reconcile errors (`TransientError`, `BackendUnavailableError`,
 *   `WaitingError`, `StalledError` from `reconcile/errors.ts`).
 * The shared contract suite (`runtime-contract.ts`) runs against every implementation.
 */
export interface BotRuntime {
  /** Which backend this drives: `fly`, `kubernetes`, `local`, or `fake` for tests. */
  readonly backend: Backend | 'fake';
  /** The bot's instance, or null when it has none. */
  observe(botId: string): Promise<ObservedInstance | null>;
  /** Every instance this runtime manages (for orphan collection), whatever bot it belongs to. */
  list(): Promise<ObservedInstance[]>;
  /** Creates and starts the bot's instance; returns the existing one if there already is one. */
  create(desired: DesiredInstance): Promise<ObservedInstance>;
  /** Starts a stopped instance (no-op when running). */
  start(botId: string): Promise<ObservedInstance>;
  /**
   * Sends `signal`, waits up to `timeoutSeconds` for the instance to exit, then kills it.
   * The instance stays (state `stopped`) so it can be started again.
   */
  stop(botId: string, options: StopOptions): Promise<void>;
  /**
   * Converges a drifted instance (image, env, resources) to `desired`, restarting it only if
   * the change needs a restart.
   */
  update(desired: DesiredInstance): Promise<ObservedInstance>;
  /** Removes the instance for good (stopping it first if needed). */
  destroy(botId: string): Promise<void>;
}

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
