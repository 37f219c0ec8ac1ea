import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { TradingBotSpec, TradingBotStatus } from '@hmmtrade/crds';
import type { Json, JsonWithDefault, NullableTimestamp, Timestamp } from './column-types.ts';

/** Where a bot's desired state comes from. Kubernetes bots are read-only mirrors in Postgres. */
export type BotSource = 'api' | 'kubernetes';

/**
 * A TradingBot in Kubernetes object shape. A trigger bumps `generation` whenever `spec` changes
 * (and only then) and `resource_version` on every update; `deleted_at` is the finalizer: the
 * operator stops and destroys the runtime, then deletes the row.
 */
export interface BotsTable {
  id: Generated<string>;
  owner_id: string | null;
  name: string;
  source: BotSource;
  spec: Json<TradingBotSpec>;
  status: JsonWithDefault<Partial<TradingBotStatus>>;
  generation: Generated<number>;
  observed_generation: Generated<number>;
  resource_version: Generated<number>;
  deleted_at: NullableTimestamp;
  k8s_namespace: string | null;
  k8s_name: string | null;
  k8s_uid: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type Bot = Selectable<BotsTable>;
export type NewBot = Insertable<BotsTable>;
export type BotUpdate = Updateable<BotsTable>;
