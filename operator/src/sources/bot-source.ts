import type { TradingBotSpec, TradingBotStatus } from '@hmmtrade/crds';

/** The spec after validation: parsed with defaults, or the field-level reasons it is invalid. */
export type SpecValidation =
  | { ok: true; spec: TradingBotSpec }
  | { ok: false; issues: readonly { path: string; message: string }[] };

/**
 * A bot as every source presents it (DESIGN §2: the reconcile core never knows which source a
 * bot came from). Validated once when the source loads it.
 */
export interface BotObject {
  id: string;
  name: string;
  generation: number;
  /** Bumped on every write; identifies this version of the object. */
  resourceVersion: number;
  spec: SpecValidation;
  status: Partial<TradingBotStatus>;
  /** Set when deletion was requested: the finalizer (stop, destroy, remove) must run. */
  deletedAt: Date | null;
}

/**
 * Desired state for the controller: an in-memory cache of bots kept current by a watch and a
 * periodic relist (informer-style), plus the two writes the operator makes.
 */
export interface BotSource {
  /** Loads every bot, then calls `onChange(id)` whenever one may have changed. */
  start(onChange: (botId: string) => void): Promise<void>;
  stop(): Promise<void>;
  /** The cached bot, or undefined when it does not exist (any more). */
  get(botId: string): BotObject | undefined;
  /** Every cached bot id. */
  ids(): string[];
  /** Relists from the store, refreshes the cache and reports every id that may have changed. */
  resync(): Promise<void>;
  /**
   * Writes status and observedGeneration, fenced by the leader `epoch`. Throws
   * LostLeadershipError when another operator has taken over.
   */
  writeStatus(bot: BotObject, status: TradingBotStatus, epoch: number): Promise<void>;
  /** Removes a deleted bot for good (its instance is gone), fenced like writeStatus. */
  finalize(bot: BotObject, epoch: number): Promise<void>;
}
