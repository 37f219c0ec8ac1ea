import type { Insertable, Selectable } from 'kysely';
import type { JsonWithDefault, SerialId, Timestamp } from './column-types.ts';

/** Kinds of structured event a bot reports. */
export type BotEventType =
  'regime_change' | 'order' | 'fill' | 'rejection' | 'heartbeat' | 'daily_summary' | 'lifecycle';

/** A structured bot event; idempotent on `(bot_id, boot_id, seq)` like log lines. */
export interface BotEventsTable {
  id: SerialId;
  bot_id: string;
  boot_id: string;
  seq: number;
  type: BotEventType;
  payload: JsonWithDefault<Record<string, unknown>>;
  occurred_at: Date | string;
  received_at: Timestamp;
}

export type BotEvent = Selectable<BotEventsTable>;
export type NewBotEvent = Insertable<BotEventsTable>;
