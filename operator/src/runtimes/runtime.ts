import type { Backend } from '@hmmtrade/crds';
import type { DesiredInstance, ObservedInstance, StopOptions } from '../reconcile/instance.ts';

export type {
  DesiredInstance,
  InstanceState,
  ObservedInstance,
  StopOptions,
  StopSignal,
} from '../reconcile/instance.ts';

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
  /**
   * Optional, for a runtime that keeps a cache of its instances (an informer): fills it and
   * reports the bot id of every instance that changes, whoever changed it (a pod the kubelet
   * started, one a person deleted), so the operator reconciles that bot at once rather than at
   * the next resync. The operator calls it before it reconciles.
   */
  watch?(onChange: (botId: string) => void): Promise<void>;
  /** Optional: stops what `watch` or the first call started. */
  close?(): Promise<void>;
}
