import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { parseCookie } from 'cookie';
import { setAuth, type AuthContext } from './auth-context.ts';
import { HttpError } from './http-error.ts';

export const SESSION_COOKIE = 'hmmtrade_session';
export const CSRF_HEADER = 'x-csrf-token';

/** The ways a caller can prove who it is; each resolves to a caller or nothing. */
export interface Authenticators {
  userForSession(sessionToken: string): Promise<string | undefined>;
  userForApiToken(token: string): Promise<string | undefined>;
  /** Verifies a machine JWT; undefined when it is not one (or invalid). */
  machineForJwt?(token: string): Promise<{ botId: string; scopes: readonly string[] } | undefined>;
  csrfFor(sessionToken: string): string;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the caller from `Authorization: Bearer` (API token or machine JWT) or the session
 * cookie. A bad bearer credential is a 401 (never silently anonymous); cookie-authenticated
 * writes must carry the session's CSRF token in X-CSRF-Token.
 */
export function createAuthenticate(auth: Authenticators): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    resolve(auth, req)
      .then((context) => {
        setAuth(req, context);
        next();
      })
      .catch(next);
  };
}

async function resolve(auth: Authenticators, req: Request): Promise<AuthContext> {
  const header = req.get('authorization');
  if (header) {
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new HttpError(401, 'unauthorized', 'Authorization must be "Bearer <token>"');
    }
    const userId = await auth.userForApiToken(token);
    if (userId) return { kind: 'user', userId, via: 'token' };
    const machine = await auth.machineForJwt?.(token);
    if (machine) return { kind: 'machine', ...machine };
    throw new HttpError(401, 'unauthorized', 'the bearer token is invalid, expired or revoked');
  }
  const sessionToken = parseCookie(req.get('cookie') ?? '')[SESSION_COOKIE];
  if (!sessionToken) return { kind: 'anonymous' };
  const userId = await auth.userForSession(sessionToken);
  if (!userId) return { kind: 'anonymous' };
  if (UNSAFE.has(req.method) && !sameString(req.get(CSRF_HEADER), auth.csrfFor(sessionToken))) {
    throw new HttpError(
      403,
      'forbidden',
      'missing or wrong X-CSRF-Token for a cookie-authenticated write',
    );
  }
  return { kind: 'user', userId, via: 'session', sessionId: sessionToken };
}

function sameString(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
