import { sql, type Kysely } from 'kysely';
import type { Database, NewBotEvent, NewBotLogLine } from '@hmmtrade/db';

/** Reads and writes the internal bot protocol needs, keyed by the calling bot. */
export function createInternalRepository(db: Kysely<Database>) {
  return {
    findLiveBot: (botId: string) =>
      db
        .selectFrom('bots')
        .selectAll()
        .where('id', '=', botId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst(),

    findConnection: (userId: string | null, connectionId: string) =>
      db
        .selectFrom('broker_connections')
        .selectAll()
        .where('id', '=', connectionId)
        .$if(userId !== null, (qb) => qb.where('user_id', '=', userId!))
        .executeTakeFirst(),

    /** Inserts, ignoring (bot, boot, seq) already stored; returns how many were new. */
    async insertLogLines(lines: NewBotLogLine[]): Promise<number> {
      const result = await db
        .insertInto('bot_log_lines')
        .values(lines)
        .onConflict((oc) => oc.columns(['bot_id', 'boot_id', 'seq']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    },

    async insertEvents(events: NewBotEvent[]): Promise<number> {
      const result = await db
        .insertInto('bot_events')
        .values(events)
        .onConflict((oc) => oc.columns(['bot_id', 'boot_id', 'seq']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    },

    /**
     * Merges bot-reported fields (heartbeat, regime) into status without touching the fields
     * the operator owns; a status-only write, so it does not wake the operator.
     */
    async mergeReportedStatus(botId: string, reported: Record<string, unknown>): Promise<void> {
      await db
        .updateTable('bots')
        .set({ status: sql`status || ${JSON.stringify(reported)}::jsonb` })
        .where('id', '=', botId)
        .execute();
    },
  };
}

export type InternalRepository = ReturnType<typeof createInternalRepository>;
