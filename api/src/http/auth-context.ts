import type { Request } from 'express';
import { HttpError } from './http-error.ts';

/** A signed-in user, by session cookie (browser) or API token (CLI, agent). */
export interface UserAuth {
  kind: 'user';
  userId: string;
  via: 'session' | 'token';
  /** The session's id (hash of its token) when `via` is `session`. */
  sessionId?: string;
}

/** A bot, by machine JWT: `sub` is its id, scopes say what it may do. */
export interface MachineAuth {
  kind: 'machine';
  botId: string;
  scopes: readonly string[];
}

export type AuthContext = UserAuth | MachineAuth | { kind: 'anonymous' };

const AUTH = Symbol('hmmtrade.auth');

type WithAuth = Request & { [AUTH]?: AuthContext };

/** Attaches the resolved caller to the request (authentication middleware only). */
export function setAuth(req: Request, auth: AuthContext): void {
  (req as WithAuth)[AUTH] = auth;
}

/** The caller of this request; anonymous when nothing authenticated it. */
export function getAuth(req: Request): AuthContext {
  return (req as WithAuth)[AUTH] ?? { kind: 'anonymous' };
}

/** The signed-in user, or 401. */
export function requireUser(req: Request): UserAuth {
  const auth = getAuth(req);
  if (auth.kind !== 'user') throw new HttpError(401, 'unauthorized', 'sign in first');
  return auth;
}

/** The calling bot, or 401. */
export function requireMachine(req: Request): MachineAuth {
  const auth = getAuth(req);
  if (auth.kind !== 'machine')
    throw new HttpError(401, 'unauthorized', 'a machine token is required');
  return auth;
}
