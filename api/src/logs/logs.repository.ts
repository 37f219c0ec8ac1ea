import type { Kysely } from 'kysely';
import type { BotEvent, BotEventType, BotLogLine, Database } from '@hmmtrade/db';

/** Reading a bot's lines and events (ownership is checked by the caller). */
export function createLogsRepository(db: Kysely<Database>) {
  return {
    ownsBot: async (ownerId: string, botId: string) =>
      (await db
        .selectFrom('bots')
        .select('id')
        .where('id', '=', botId)
        .where('owner_id', '=', ownerId)
        .executeTakeFirst()) !== undefined,

    /** The newest `limit` lines older than `before`, newest first. */
    newestLines: (botId: string, limit: number, before?: number): Promise<BotLogLine[]> =>
      db
        .selectFrom('bot_log_lines')
        .selectAll()
        .where('bot_id', '=', botId)
        .$if(before !== undefined, (qb) => qb.where('id', '<', before!))
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),

    /** Lines after `afterId`, oldest first. */
    linesAfter: (botId: string, afterId: number, limit: number): Promise<BotLogLine[]> =>
      db
        .selectFrom('bot_log_lines')
        .selectAll()
        .where('bot_id', '=', botId)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute(),

    newestEvents: (
      botId: string,
      limit: number,
      before?: number,
      type?: BotEventType,
    ): Promise<BotEvent[]> =>
      db
        .selectFrom('bot_events')
        .selectAll()
        .where('bot_id', '=', botId)
        .$if(before !== undefined, (qb) => qb.where('id', '<', before!))
        .$if(type !== undefined, (qb) => qb.where('type', '=', type!))
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
  };
}

export type LogsRepository = ReturnType<typeof createLogsRepository>;

export function toLogLineView(line: BotLogLine) {
  return {
    id: line.id,
    bootId: line.boot_id,
    seq: line.seq,
    stream: line.stream,
    line: line.line,
    loggedAt: new Date(line.logged_at).toISOString(),
  };
}

export function toEventView(event: BotEvent) {
  return {
    id: event.id,
    bootId: event.boot_id,
    seq: event.seq,
    type: event.type,
    payload: event.payload,
    occurredAt: new Date(event.occurred_at).toISOString(),
  };
}
