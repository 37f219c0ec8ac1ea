import { sql, type Kysely } from 'kysely';
import type { BrokerConnection, Database, NewBrokerConnection } from '@hmmtrade/db';

/** Broker connections, scoped to their owner. */
export function createBrokersRepository(db: Kysely<Database>) {
  return {
    insert: (values: NewBrokerConnection): Promise<BrokerConnection> =>
      db.insertInto('broker_connections').values(values).returningAll().executeTakeFirstOrThrow(),
    list: (userId: string): Promise<BrokerConnection[]> =>
      db
        .selectFrom('broker_connections')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .execute(),
    find: (userId: string, id: string): Promise<BrokerConnection | undefined> =>
      db
        .selectFrom('broker_connections')
        .selectAll()
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst(),
    markVerified: (id: string, at: Date): Promise<BrokerConnection> =>
      db
        .updateTable('broker_connections')
        .set({ verified_at: at })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),
    /** Names of the owner's live bots that use the connection. */
    async botsUsing(userId: string, id: string): Promise<string[]> {
      const rows = await db
        .selectFrom('bots')
        .select('name')
        .where('owner_id', '=', userId)
        .where('deleted_at', 'is', null)
        .where(sql<boolean>`spec->'broker'->>'connectionId' = ${id}`)
        .execute();
      return rows.map((row) => row.name);
    },
    /** A live bot and its connection (by the spec's connectionId, same owner), for broker tokens. */
    async findBotConnection(botId: string) {
      const bot = await db
        .selectFrom('bots')
        .selectAll()
        .where('id', '=', botId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      const connectionId = bot?.spec.broker.connectionId;
      if (!bot || !connectionId || !bot.owner_id) return { bot, connection: undefined };
      const connection = await db
        .selectFrom('broker_connections')
        .selectAll()
        .where('id', '=', connectionId)
        .where('user_id', '=', bot.owner_id)
        .executeTakeFirst();
      return { bot, connection };
    },
    async delete(userId: string, id: string): Promise<boolean> {
      const result = await db
        .deleteFrom('broker_connections')
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type BrokersRepository = ReturnType<typeof createBrokersRepository>;
