import express, { type Express } from 'express';
import { createHealthRouter, type Logger, type Readiness, type Registry } from '@hmmtrade/platform';
import { createErrorHandler, notFoundHandler } from './http/error-middleware.ts';

/** What the HTTP app needs from the process that hosts it. */
export interface AppDeps {
  version: string;
  logger: Logger;
  registry: Registry;
  /** Dependency check behind `/readyz` (the database answers, …). */
  readiness: () => Promise<Readiness>;
}

/** The control-plane HTTP app, without `listen` (the caller owns the server). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(express.json({ limit: '1mb' }));
  app.use(
    createHealthRouter({
      readiness: deps.readiness,
      registry: deps.registry,
      version: deps.version,
    }),
  );
  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.logger));
  return app;
}
