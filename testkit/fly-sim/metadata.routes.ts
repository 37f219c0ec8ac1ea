import { Router } from 'express';
import { requireLeaseNonce } from './machine-leases.ts';
import { updateMetadataSchema, upsertMetadataSchema } from './machine-schemas.ts';
import { param, rateLimit, type SimContext } from './route-helpers.ts';
import { notFound, parseBody, SimHttpError } from './sim-errors.ts';
import type { SimMachine } from './sim-store.ts';

/**
 * Replaces the machine's metadata in its current config. Metadata changes do not make a new
 * machine version (nothing is restarted); the current version's config shows them.
 */
function setMetadata(m: SimMachine, metadata: Record<string, string>): void {
  m.config = { ...m.config, metadata };
  const current = m.versions.at(-1);
  if (current) current.config = m.config;
}

/** GET/PATCH/PUT …/metadata and GET/POST/DELETE …/metadata/{key}. */
export function createMetadataRouter(ctx: SimContext): Router {
  const router = Router();
  const all = '/:app/machines/:id/metadata';
  const one = '/:app/machines/:id/metadata/:key';

  router.get(all, rateLimit(ctx, 'metadata-show'), (req, res) => {
    const m = ctx.store.liveMachine(param(req, 'app'), param(req, 'id'));
    res.json({ ...m.config.metadata });
  });

  for (const method of ['patch', 'put'] as const) {
    router[method](all, rateLimit(ctx, 'metadata-update'), (req, res) => {
      const m = ctx.store.liveMachine(param(req, 'app'), param(req, 'id'));
      requireLeaseNonce(ctx, m, req);
      const body = parseBody(updateMetadataSchema, req.body, 'updateMetadataRequest');
      if (body.machine_version !== undefined && body.machine_version !== m.version) {
        throw new SimHttpError(
          412,
          `machine_version ${body.machine_version} is not the machine's current version ${m.version}`,
        );
      }
      const next: Record<string, string> = { ...m.config.metadata };
      for (const [key, value] of Object.entries(body.metadata)) {
        if (value === null || value === '') delete next[key];
        else next[key] = value;
      }
      setMetadata(m, next);
      ctx.store.touch(m);
      res.status(204).end();
    });
  }

  router.get(one, rateLimit(ctx, 'metadata-show'), (req, res) => {
    const m = ctx.store.liveMachine(param(req, 'app'), param(req, 'id'));
    const value = m.config.metadata?.[param(req, 'key')];
    if (value === undefined) throw notFound('metadata key');
    res.json({ value });
  });

  router.post(one, rateLimit(ctx, 'metadata-update'), (req, res) => {
    const m = ctx.store.liveMachine(param(req, 'app'), param(req, 'id'));
    requireLeaseNonce(ctx, m, req);
    const body = parseBody(upsertMetadataSchema, req.body, 'upsertMetadataKeyRequest');
    setMetadata(m, { ...m.config.metadata, [param(req, 'key')]: body.value });
    ctx.store.touch(m);
    res.status(204).end();
  });

  router.delete(one, rateLimit(ctx, 'metadata-update'), (req, res) => {
    const m = ctx.store.liveMachine(param(req, 'app'), param(req, 'id'));
    requireLeaseNonce(ctx, m, req);
    const next: Record<string, string> = { ...m.config.metadata };
    delete next[param(req, 'key')];
    setMetadata(m, next);
    ctx.store.touch(m);
    res.status(204).end();
  });

  return router;
}
