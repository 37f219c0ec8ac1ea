import express, { type Express } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '@hmmtrade/db';
import { createHealthRouter, type Logger, type Readiness, type Registry } from '@hmmtrade/platform';
import { createAccountsRepository } from './accounts/accounts.repository.ts';
import { createAccountsRouter } from './accounts/accounts.routes.ts';
import { createAccountsService } from './accounts/accounts.service.ts';
import { createAuditLog } from './audit/audit-log.ts';
import { createBotsRepository } from './bots/bots.repository.ts';
import { createBotsRouter } from './bots/bots.routes.ts';
import { createBotsService, type BotChangeNotifier } from './bots/bots.service.ts';
import { createAlpacaVerifier, type BrokerVerifier } from './brokers/broker-verifier.ts';
import { createBrokersRepository } from './brokers/brokers.repository.ts';
import { createBrokersRouter } from './brokers/brokers.routes.ts';
import { createBrokersService, type BrokerKms } from './brokers/brokers.service.ts';
import { createAuthenticate } from './http/authenticate.ts';
import { createInternalRepository } from './internal/internal.repository.ts';
import { createInternalRouter } from './internal/internal.routes.ts';
import type { MachineTokens } from './internal/machine-tokens.ts';
import { createLogsRepository } from './logs/logs.repository.ts';
import { createLogsRouter } from './logs/logs.routes.ts';
import { createErrorHandler, notFoundHandler } from './http/error-middleware.ts';
import { createRequestLog } from './http/request-log.ts';
import { buildOpenApiDocument } from './http/openapi.ts';
import { createRouteRegistry } from './http/route-registry.ts';

/** Settings of the control plane HTTP app. */
export interface ApiSettings {
  /** Secret from which per-session CSRF tokens are derived. */
  csrfSecret: string;
  /** Mark cookies Secure (serve behind HTTPS). */
  secureCookies: boolean;
  /** Sign-up and login attempts per client IP per minute. */
  authAttemptsPerMinute: number;
  /** How often a log stream looks for new lines (default 500 ms). */
  logStreamPollMs?: number;
}

/** What the HTTP app needs from the process that hosts it. */
export interface AppDeps {
  version: string;
  logger: Logger;
  registry: Registry;
  /** Dependency check behind `/readyz` (the database answers, …). */
  readiness: () => Promise<Readiness>;
  db: Kysely<Database>;
  settings: ApiSettings;
  /** Wakes the operator after bot writes (the in-process feed with the embedded database). */
  botChanges?: BotChangeNotifier;
  /** KMS for broker credentials; without it the broker routes are not served. */
  brokerKms?: BrokerKms;
  /** Checks broker keys (default: Alpaca's API). */
  brokerVerifier?: BrokerVerifier;
  /** Mints and verifies machine JWTs; without it the internal bot protocol is not served. */
  machineTokens?: MachineTokens;
  now?: () => Date;
}

/**
 * Postgres text cannot hold NUL characters and JSON may carry unpaired surrogates: both are
 * refused while parsing, as a 400, instead of failing later in the database.
 */
function rejectUnstorableStrings(_key: string, value: unknown): unknown {
  if (typeof value === 'string' && (value.includes('\u0000') || !value.isWellFormed())) {
    throw new SyntaxError('strings may not contain NUL characters or unpaired surrogates');
  }
  return value;
}

/** The control-plane HTTP app, without `listen` (the caller owns the server). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(createRequestLog(deps.logger));
  app.use(express.json({ limit: '1mb', reviver: rejectUnstorableStrings }));
  app.use(
    createHealthRouter({
      readiness: deps.readiness,
      registry: deps.registry,
      version: deps.version,
    }),
  );

  const routes = createRouteRegistry();
  const audit = createAuditLog(deps.db);
  const now = deps.now ?? (() => new Date());
  const accounts = createAccountsService({
    repository: createAccountsRepository(deps.db),
    csrfSecret: deps.settings.csrfSecret,
    now,
  });
  app.use(
    createAuthenticate({
      userForSession: (token) => accounts.userForSession(token),
      userForApiToken: (token) => accounts.userForApiToken(token),
      csrfFor: (token) => accounts.csrfFor(token),
      ...(deps.machineTokens
        ? { machineForJwt: (token: string) => deps.machineTokens!.verify(token) }
        : {}),
    }),
  );
  app.use(
    createAccountsRouter({
      routes,
      accounts,
      audit,
      options: {
        secureCookies: deps.settings.secureCookies,
        authAttemptsPerMinute: deps.settings.authAttemptsPerMinute,
      },
    }),
  );
  const bots = createBotsService({
    repository: createBotsRepository(deps.db),
    notifier: deps.botChanges ?? { publish: () => undefined },
    now,
  });
  app.use(createBotsRouter({ routes, bots, audit }));
  app.use(
    createLogsRouter({
      routes,
      repository: createLogsRepository(deps.db),
      stream: { pollMs: deps.settings.logStreamPollMs ?? 500, keepAliveMs: 15_000 },
    }),
  );
  if (deps.brokerKms) {
    const repository = createBrokersRepository(deps.db);
    const brokers = createBrokersService({
      repository,
      kms: deps.brokerKms,
      verifier: deps.brokerVerifier ?? createAlpacaVerifier(),
      now,
    });
    app.use(createBrokersRouter({ routes, brokers, repository, audit, now }));
  }
  if (deps.machineTokens) {
    app.use(
      createInternalRouter({
        routes,
        repository: createInternalRepository(deps.db),
        tokens: deps.machineTokens,
      }),
    );
  }

  const openApi = buildOpenApiDocument(routes.contracts(), {
    title: 'HMM Trade control plane',
    version: deps.version,
  });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.logger));
  return app;
}
