import type { Insertable, Selectable } from 'kysely';
import type { SerialId, Timestamp } from './column-types.ts';

/** One line a bot printed. `(bot_id, boot_id, seq)` is unique, so ingest is idempotent. */
export interface BotLogLinesTable {
  id: SerialId;
  bot_id: string;
  boot_id: string;
  seq: number;
  stream: 'stdout' | 'stderr' | 'supervisor';
  line: string;
  logged_at: Date | string;
  received_at: Timestamp;
}

export type BotLogLine = Selectable<BotLogLinesTable>;
export type NewBotLogLine = Insertable<BotLogLinesTable>;
