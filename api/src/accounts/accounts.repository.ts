import type { Kysely } from 'kysely';
import type { ApiToken, Database, User } from '@hmmtrade/db';

/** Users, sessions and API tokens in Postgres. */
export function createAccountsRepository(db: Kysely<Database>) {
  return {
    findUserByEmail: (email: string): Promise<User | undefined> =>
      db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst(),

    findUserById: (id: string): Promise<User | undefined> =>
      db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),

    /** Inserts a user; undefined when the email is taken. */
    async insertUser(values: { email: string; passwordHash: string; displayName: string | null }) {
      return db
        .insertInto('users')
        .values({
          email: values.email,
          password_hash: values.passwordHash,
          display_name: values.displayName,
        })
        .onConflict((oc) => oc.column('email').doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    async insertSession(values: {
      tokenHash: string;
      userId: string;
      expiresAt: Date;
      ip: string | null;
      userAgent: string | null;
    }) {
      await db
        .insertInto('sessions')
        .values({
          token_hash: values.tokenHash,
          user_id: values.userId,
          expires_at: values.expiresAt,
          ip: values.ip,
          user_agent: values.userAgent,
        })
        .execute();
    },

    /** The user of a live (not revoked, not expired) session. */
    findLiveSessionUser: (tokenHash: string, now: Date) =>
      db
        .selectFrom('sessions')
        .select(['user_id'])
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst(),

    async revokeSession(tokenHash: string, now: Date) {
      await db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('token_hash', '=', tokenHash)
        .execute();
    },

    insertApiToken: (values: {
      userId: string;
      name: string;
      tokenHash: string;
      prefix: string;
      expiresAt: Date | null;
    }) =>
      db
        .insertInto('api_tokens')
        .values({
          user_id: values.userId,
          name: values.name,
          token_hash: values.tokenHash,
          prefix: values.prefix,
          scopes: JSON.stringify(['user']),
          expires_at: values.expiresAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),

    listApiTokens: (userId: string): Promise<ApiToken[]> =>
      db
        .selectFrom('api_tokens')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .execute(),

    /** Revokes one of the user's tokens; false when it is not theirs or already revoked. */
    async revokeApiToken(userId: string, id: string, now: Date): Promise<boolean> {
      const result = await db
        .updateTable('api_tokens')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** The owner of a live token, marking it used. */
    async useApiToken(tokenHash: string, now: Date) {
      return db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .returning(['user_id'])
        .executeTakeFirst();
    },
  };
}

export type AccountsRepository = ReturnType<typeof createAccountsRepository>;
