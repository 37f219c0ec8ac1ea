import { Router } from 'express';
import { newMachineId } from './fly-ids.ts';
import { createAppSchema } from './machine-schemas.ts';
import { appJson } from './machine-view.ts';
import { param, queryString, type SimContext } from './route-helpers.ts';
import { badRequest, parseBody, SimHttpError } from './sim-errors.ts';

/** Fly app names: lowercase letters, digits and dashes, starting with a letter or digit. */
const APP_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** POST/GET /v1/apps and GET/DELETE /v1/apps/{app_name}. */
export function createAppsRouter(ctx: SimContext): Router {
  const router = Router();
  /** idempotency_key → the app name its first create used. */
  const idempotency = new Map<string, string>();

  router.post('/', (req, res) => {
    const body = parseBody(createAppSchema, req.body, 'CreateAppRequest');
    const key = body.idempotency_key;
    const earlier = key === undefined ? undefined : idempotency.get(key);
    if (earlier !== undefined && ctx.store.hasApp(earlier)) {
      if (body.name !== undefined && body.name !== earlier) {
        throw new SimHttpError(
          422,
          `idempotency_key was first used to create app "${earlier}", not "${body.name}"`,
        );
      }
      const app = ctx.store.app(earlier);
      res.status(201).json({ id: app.id, created_at: app.createdAt });
      return;
    }
    const name = body.name ?? `app-${newMachineId()}`;
    if (!APP_NAME.test(name)) {
      throw new SimHttpError(
        422,
        `name: "${name}" is not a valid app name (lowercase letters, digits and dashes, at most 63)`,
      );
    }
    if (ctx.store.hasApp(name)) {
      throw new SimHttpError(422, `app name "${name}" is already taken`, {
        statusCode: 'name_taken',
      });
    }
    const app = ctx.store.createApp({
      name,
      orgSlug: body.org_slug,
      ...(body.network === undefined ? {} : { network: body.network }),
    });
    if (key !== undefined) idempotency.set(key, name);
    res.status(201).json({ id: app.id, created_at: app.createdAt });
  });

  router.get('/', (req, res) => {
    const orgSlug = queryString(req, 'org_slug');
    if (orgSlug === undefined || orgSlug === '') {
      throw badRequest('org_slug: required (the organization slug, or "personal")');
    }
    const apps = ctx.store
      .appsOf(orgSlug)
      .map((app) => appJson(app, ctx.store.machinesOf(app.name, false).length));
    res.json({ apps, total_apps: apps.length });
  });

  router.get('/:app', (req, res) => {
    const app = ctx.store.app(param(req, 'app'));
    res.json(appJson(app, ctx.store.machinesOf(app.name, false).length));
  });

  // Deleting an app destroys its machines, as on Fly.
  router.delete('/:app', (req, res) => {
    const app = param(req, 'app');
    const removed = ctx.store.deleteApp(app);
    for (const m of removed) {
      if (m.state !== 'destroyed' && m.state !== 'destroying') ctx.lifecycle.destroy(m, true);
      ctx.limiter?.forget({ app: m.app, machineId: m.id });
    }
    ctx.limiter?.forget({ app });
    res.status(202).end();
  });

  return router;
}
