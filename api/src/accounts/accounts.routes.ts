import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { stringifySetCookie } from 'cookie';
import type { AuditLog } from '../audit/audit-log.ts';
import { requireUser } from '../http/auth-context.ts';
import { SESSION_COOKIE } from '../http/authenticate.ts';
import { HttpError } from '../http/http-error.ts';
import type { RouteRegistry } from '../http/route-registry.ts';
import {
  createTokenContract,
  listTokensContract,
  loginContract,
  logoutContract,
  meContract,
  revokeTokenContract,
  signupContract,
} from './accounts.contract.ts';
import {
  SESSION_TTL_MS,
  toApiTokenView,
  toUserView,
  type AccountsService,
} from './accounts.service.ts';
import { hashToken } from './secrets.ts';

/** Settings of the accounts routes. */
export interface AccountsRoutesOptions {
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies: boolean;
  /** Sign-up and login attempts per client IP per minute. */
  authAttemptsPerMinute: number;
}

export function createAccountsRouter(deps: {
  routes: RouteRegistry;
  accounts: AccountsService;
  audit: AuditLog;
  options: AccountsRoutesOptions;
}): Router {
  const router = Router();
  const { routes, accounts, audit } = deps;
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: deps.options.authAttemptsPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(new HttpError(429, 'rate_limited', 'too many attempts; try again in a minute')),
  });
  router.use([signupContract.path, loginContract.path], limiter);

  const setSession = (res: Response, token: string, maxAgeMs: number) => {
    res.setHeader(
      'set-cookie',
      stringifySetCookie({
        name: SESSION_COOKIE,
        value: token,
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.options.secureCookies,
        path: '/',
        maxAge: Math.floor(maxAgeMs / 1000),
      }),
    );
  };
  const client = (req: Request) => ({
    ip: req.ip ?? null,
    userAgent: req.get('user-agent') ?? null,
  });

  routes.add(router, signupContract, async ({ body, req, res }) => {
    const session = await accounts.signup(body, client(req));
    setSession(res, session.sessionToken, SESSION_TTL_MS);
    await audit.record(req, {
      action: 'account.signup',
      actor: { kind: 'user', id: session.user.id },
      targetKind: 'user',
      targetId: session.user.id,
    });
    return { status: 201, body: { user: toUserView(session.user), csrfToken: session.csrfToken } };
  });

  routes.add(router, loginContract, async ({ body, req, res }) => {
    try {
      const session = await accounts.login(body, client(req));
      setSession(res, session.sessionToken, SESSION_TTL_MS);
      await audit.record(req, {
        action: 'account.login',
        actor: { kind: 'user', id: session.user.id },
        targetKind: 'user',
        targetId: session.user.id,
      });
      return {
        status: 200,
        body: { user: toUserView(session.user), csrfToken: session.csrfToken },
      };
    } catch (error) {
      await audit.record(req, { action: 'account.login_failed', details: { email: body.email } });
      throw error;
    }
  });

  routes.add(router, logoutContract, async ({ req, res }) => {
    const user = requireUser(req);
    if (user.sessionId) await accounts.logout(hashToken(user.sessionId));
    setSession(res, '', 0);
    await audit.record(req, {
      action: 'account.logout',
      targetKind: 'user',
      targetId: user.userId,
    });
    return { status: 204 };
  });

  routes.add(router, meContract, async ({ req }) => {
    const auth = requireUser(req);
    const user = await accounts.me(auth.userId);
    if (!user) throw new HttpError(401, 'unauthorized', 'sign in first');
    return {
      status: 200,
      body: {
        user: toUserView(user),
        ...(auth.sessionId ? { csrfToken: accounts.csrfFor(auth.sessionId) } : {}),
      },
    };
  });

  routes.add(router, createTokenContract, async ({ body, req }) => {
    const { userId } = requireUser(req);
    const created = await accounts.createApiToken(userId, body);
    await audit.record(req, {
      action: 'api_token.create',
      targetKind: 'api_token',
      targetId: created.apiToken.id,
      details: { name: body.name },
    });
    return {
      status: 201,
      body: { token: created.token, apiToken: toApiTokenView(created.apiToken) },
    };
  });

  routes.add(router, listTokensContract, async ({ req }) => {
    const { userId } = requireUser(req);
    return {
      status: 200,
      body: { items: (await accounts.listApiTokens(userId)).map(toApiTokenView) },
    };
  });

  routes.add(router, revokeTokenContract, async ({ params, req }) => {
    const { userId } = requireUser(req);
    await accounts.revokeApiToken(userId, params.id);
    await audit.record(req, {
      action: 'api_token.revoke',
      targetKind: 'api_token',
      targetId: params.id,
    });
    return { status: 204 };
  });

  return router;
}
