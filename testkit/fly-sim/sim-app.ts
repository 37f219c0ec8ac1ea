import { timingSafeEqual } from 'node:crypto';
import express, { json, type Express, type RequestHandler } from 'express';
import { createAdminRouter } from './admin.routes.ts';
import { createAppsRouter } from './apps.routes.ts';
import type { FaultInjector } from './faults.ts';
import { createLeasesRouter } from './leases.routes.ts';
import { createMachineActionsRouter } from './machine-actions.routes.ts';
import { createMachineWaitRouter } from './machine-wait.routes.ts';
import { createMachinesRouter } from './machines.routes.ts';
import { createMetadataRouter } from './metadata.routes.ts';
import type { SimContext } from './route-helpers.ts';
import { errorHandler, notImplemented, SimHttpError } from './sim-errors.ts';

/**
 * `Authorization: Bearer <token>` (or Fly's `FlyV1 <token>`) on every /v1 call; 401 otherwise.
 * The message never repeats what was sent.
 */
function requireToken(token: string): RequestHandler {
  const expected = Buffer.from(token);
  return (req, _res, next) => {
    const match = /^(?:Bearer|FlyV1)\s+(.+)$/i.exec(req.get('authorization') ?? '');
    const given = Buffer.from(match?.[1] ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      next();
      return;
    }
    const reason = match ? 'the token is not valid' : 'send Authorization: Bearer <token>';
    next(new SimHttpError(401, `unauthorized: ${reason}`));
  };
}

/**
 * The sim's HTTP app: /admin (faults, no token), and /v1 behind faults → auth → JSON body →
 * the machine routes; spec operations the sim does not implement answer 501.
 */
export function createSimApp(ctx: SimContext, faults: FaultInjector, token: string): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/admin', createAdminRouter(faults));
  const v1 = express.Router();
  v1.use(faults.middleware, requireToken(token), json({ limit: '1mb' }));
  v1.use('/apps', createAppsRouter(ctx));
  for (const router of [
    createMachinesRouter(ctx),
    createMachineActionsRouter(ctx),
    createMachineWaitRouter(ctx),
    createLeasesRouter(ctx),
    createMetadataRouter(ctx),
  ]) {
    v1.use('/apps', router);
  }
  v1.use(notImplemented);
  app.use('/v1', v1);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found: the Machines API lives under /v1' });
  });
  app.use(errorHandler);
  return app;
}
