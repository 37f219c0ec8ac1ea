import { json, Router } from 'express';
import type { FaultInjector } from './faults.ts';
import { badRequest } from './sim-errors.ts';

/**
 * /admin/faults: GET shows the faults in force, POST merges a Partial<FlySimFaults> (400 naming
 * the bad field), DELETE clears them. No token: the admin side is for tests and tooling.
 */
export function createAdminRouter(faults: FaultInjector): Router {
  const router = Router();
  router.use(json());
  router.get('/faults', (_req, res) => {
    res.json(faults.get());
  });
  router.post('/faults', (req, res) => {
    try {
      faults.set(req.body ?? {});
    } catch (error) {
      throw badRequest(error instanceof Error ? error.message : String(error));
    }
    res.json(faults.get());
  });
  router.delete('/faults', (_req, res) => {
    faults.clear();
    res.json(faults.get());
  });
  return router;
}
