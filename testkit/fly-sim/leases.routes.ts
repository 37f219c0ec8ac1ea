import { Router } from 'express';
import {
  activeLease,
  grantLease,
  LEASE_NONCE_HEADER,
  leaseConflict,
  requestNonce,
} from './machine-leases.ts';
import { createLeaseSchema } from './machine-schemas.ts';
import { leaseJson } from './machine-view.ts';
import { param, rateLimit, type SimContext } from './route-helpers.ts';
import { badRequest, notFound, parseBody } from './sim-errors.ts';

/**
 * Machine leases: POST creates (or, with the current nonce, refreshes) a lease, GET shows it,
 * DELETE releases it. Answers are wrapped `{ status, data }` as Fly sends them.
 */
export function createLeasesRouter(ctx: SimContext): Router {
  const router = Router();
  const path = '/:app/machines/:id/lease';

  router.post(path, rateLimit(ctx, 'lease-create'), (req, res) => {
    const m = ctx.store.liveMachine(param(req, 'app'), param(req, 'id'));
    const body = parseBody(createLeaseSchema, req.body, 'CreateLeaseRequest');
    const lease = activeLease(ctx, m);
    const nonce = requestNonce(req);
    if (lease && nonce !== lease.nonce) throw leaseConflict(m, lease);
    const granted = grantLease(ctx, m, {
      ttlSeconds: body.ttl,
      description: body.description,
      ...(lease ? { nonce: lease.nonce } : {}),
    });
    ctx.store.touch(m);
    res.status(201).json(leaseJson(granted));
  });

  router.get(path, rateLimit(ctx, 'lease-show'), (req, res) => {
    const m = ctx.store.liveMachine(param(req, 'app'), param(req, 'id'));
    const lease = activeLease(ctx, m);
    if (!lease) throw notFound('lease');
    res.json(leaseJson(lease));
  });

  router.delete(path, rateLimit(ctx, 'lease-release'), (req, res) => {
    const m = ctx.store.liveMachine(param(req, 'app'), param(req, 'id'));
    const nonce = requestNonce(req);
    if (nonce === undefined) throw badRequest(`${LEASE_NONCE_HEADER}: header is required`);
    const lease = activeLease(ctx, m);
    if (!lease) throw notFound('lease');
    if (nonce !== lease.nonce) throw leaseConflict(m, lease);
    m.lease = null;
    ctx.store.touch(m);
    res.json({ ok: true });
  });

  return router;
}
