import { createHmac } from 'node:crypto';
import type { ApiToken, User } from '@hmmtrade/db';
import { HttpError } from '../http/http-error.ts';
import type { AccountsRepository } from './accounts.repository.ts';
import { hashPassword, hashToken, randomToken, verifyPassword } from './secrets.ts';

/** API tokens look like `hmt_<8 chars>_<secret>`; the prefix identifies one in lists. */
const TOKEN_PREFIX = 'hmt_';
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

/** Sign-up, sign-in, sessions and API tokens. */
export function createAccountsService(deps: {
  repository: AccountsRepository;
  /** Secret for deriving CSRF tokens from session tokens. */
  csrfSecret: string;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  // A hash that costs as much as a real one, so a login for an unknown email takes as long.
  const decoy = hashPassword(randomToken());

  const startSession = async (
    user: User,
    client: { ip: string | null; userAgent: string | null },
  ) => {
    const token = randomToken();
    await deps.repository.insertSession({
      tokenHash: hashToken(token),
      userId: user.id,
      expiresAt: new Date(now().getTime() + SESSION_TTL_MS),
      ...client,
    });
    return { user, sessionToken: token, csrfToken: csrfFor(token) };
  };

  const csrfFor = (sessionToken: string) =>
    createHmac('sha256', deps.csrfSecret).update(`csrf:${sessionToken}`).digest('base64url');

  return {
    csrfFor,

    async signup(
      input: { email: string; password: string; displayName?: string | undefined },
      client: { ip: string | null; userAgent: string | null },
    ) {
      const user = await deps.repository.insertUser({
        email: input.email,
        passwordHash: await hashPassword(input.password),
        displayName: input.displayName ?? null,
      });
      if (!user) throw new HttpError(409, 'conflict', 'an account with this email already exists');
      return startSession(user, client);
    },

    async login(
      input: { email: string; password: string },
      client: { ip: string | null; userAgent: string | null },
    ) {
      const user = await deps.repository.findUserByEmail(input.email);
      const ok = user
        ? await verifyPassword(input.password, user.password_hash)
        : await verifyPassword(input.password, await decoy).then(() => false);
      if (!user || !ok) throw new HttpError(401, 'unauthorized', 'wrong email or password');
      return startSession(user, client);
    },

    logout: (sessionId: string) => deps.repository.revokeSession(sessionId, now()),

    /** The user behind a session cookie's token, if the session is live. */
    async userForSession(sessionToken: string): Promise<string | undefined> {
      return (await deps.repository.findLiveSessionUser(hashToken(sessionToken), now()))?.user_id;
    },

    /** The user behind an API token, if it is live. */
    async userForApiToken(token: string): Promise<string | undefined> {
      if (!token.startsWith(TOKEN_PREFIX)) return undefined;
      return (await deps.repository.useApiToken(hashToken(token), now()))?.user_id;
    },

    me: (userId: string) => deps.repository.findUserById(userId),

    async createApiToken(
      userId: string,
      input: { name: string; expiresInDays?: number | undefined },
    ) {
      const prefix = randomToken(6).slice(0, 8);
      const token = `${TOKEN_PREFIX}${prefix}_${randomToken()}`;
      const row = await deps.repository.insertApiToken({
        userId,
        name: input.name,
        tokenHash: hashToken(token),
        prefix: `${TOKEN_PREFIX}${prefix}`,
        expiresAt: input.expiresInDays
          ? new Date(now().getTime() + input.expiresInDays * 86_400_000)
          : null,
      });
      return { token, apiToken: row };
    },

    listApiTokens: (userId: string) => deps.repository.listApiTokens(userId),

    async revokeApiToken(userId: string, id: string) {
      if (!(await deps.repository.revokeApiToken(userId, id, now()))) {
        throw new HttpError(404, 'not_found', 'no such API token');
      }
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;

/** The public view of a user. */
export function toUserView(user: User) {
  return {
    id: user.id,
    email: user.email,
    displayName: user.display_name,
    createdAt: user.created_at.toISOString(),
  };
}

/** The public view of an API token (never its secret or hash). */
export function toApiTokenView(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    scopes: token.scopes,
    createdAt: token.created_at.toISOString(),
    lastUsedAt: token.last_used_at?.toISOString() ?? null,
    expiresAt: token.expires_at?.toISOString() ?? null,
  };
}
