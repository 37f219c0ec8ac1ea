import type { Kysely } from 'kysely';
import type { TradingBotSpec } from '@hmmtrade/crds';
import type { Bot, Database } from '@hmmtrade/db';

/** Bots in Postgres, every query scoped to an owner. */
export function createBotsRepository(db: Kysely<Database>) {
  return {
    /** Inserts a bot; undefined when the owner already has a live bot with this name. */
    insert: (ownerId: string, name: string, spec: TradingBotSpec): Promise<Bot | undefined> =>
      db
        .insertInto('bots')
        .values({ owner_id: ownerId, name, source: 'api', spec: JSON.stringify(spec) })
        .onConflict((oc) =>
          oc.columns(['owner_id', 'name']).where('deleted_at', 'is', null).doNothing(),
        )
        .returningAll()
        .executeTakeFirst(),

    list: (ownerId: string): Promise<Bot[]> =>
      db
        .selectFrom('bots')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .orderBy('created_at')
        .execute(),

    find: (ownerId: string, id: string): Promise<Bot | undefined> =>
      db
        .selectFrom('bots')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst(),

    /** Replaces the spec of a live API bot (the trigger moves generation if it changed). */
    replaceSpec: (ownerId: string, id: string, spec: TradingBotSpec): Promise<Bot | undefined> =>
      db
        .updateTable('bots')
        .set({ spec: JSON.stringify(spec) })
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .where('source', '=', 'api')
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirst(),

    markDeleted: (ownerId: string, id: string, now: Date): Promise<Bot | undefined> =>
      db
        .updateTable('bots')
        .set({ deleted_at: now })
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .where('source', '=', 'api')
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirst(),

    /** Whether the owner has this broker connection. */
    async ownsConnection(ownerId: string, connectionId: string): Promise<boolean> {
      const row = await db
        .selectFrom('broker_connections')
        .select('id')
        .where('user_id', '=', ownerId)
        .where('id', '=', connectionId)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

export type BotsRepository = ReturnType<typeof createBotsRepository>;
