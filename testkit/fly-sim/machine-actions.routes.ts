import type { Request } from 'express';
import { Router } from 'express';
import { parseGoDuration, parseSecondsOrDuration } from './fly-ids.ts';
import { requireLeaseNonce } from './machine-leases.ts';
import { stopOptionsOf } from './machine-launch.ts';
import { signalRequestSchema, stopRequestSchema, stopSignal } from './machine-schemas.ts';
import { decideAction, type ActionDecision, type MachineAction } from './machine-states.ts';
import { param, queryString, rateLimit, type SimContext } from './route-helpers.ts';
import { badRequest, parseBody, preconditionFailed } from './sim-errors.ts';
import type { SimMachine } from './sim-store.ts';

/** The live machine of the request, after the lease check and the state table. */
function subject(
  ctx: SimContext,
  req: Request,
  action: MachineAction,
): { m: SimMachine; decision: ActionDecision } {
  const m = ctx.store.liveMachine(param(req, 'app'), param(req, 'id'));
  requireLeaseNonce(ctx, m, req);
  const decision = decideAction(action, m.state);
  if (decision.kind === 'refuse') throw preconditionFailed(decision.reason);
  return { m, decision };
}

/** start, stop, suspend, restart, signal, cordon, uncordon. */
export function createMachineActionsRouter(ctx: SimContext): Router {
  const router = Router();
  const path = (action: string): string => `/:app/machines/:id/${action}`;

  router.post(path('start'), rateLimit(ctx, 'start'), (req, res) => {
    const { m } = subject(ctx, req, 'start');
    const previous = m.state;
    ctx.lifecycle.start(m);
    res.json({ previous_state: previous, migrated: false, new_host: '' });
  });

  router.post(path('stop'), rateLimit(ctx, 'stop'), (req, res) => {
    const body =
      req.body === undefined ? {} : parseBody(stopRequestSchema, req.body, 'StopRequest');
    const { m, decision } = subject(ctx, req, 'stop');
    if (decision.kind === 'run') {
      const timeoutMs = body.timeout === undefined ? undefined : parseGoDuration(body.timeout);
      ctx.lifecycle.stop(m, stopOptionsOf(m.config, { signal: body.signal, timeoutMs }));
    }
    res.json({ ok: true });
  });

  router.post(path('suspend'), rateLimit(ctx, 'suspend'), (req, res) => {
    const { m, decision } = subject(ctx, req, 'suspend');
    if (decision.kind === 'run') ctx.lifecycle.suspend(m);
    res.json({ ok: true });
  });

  router.post(path('restart'), rateLimit(ctx, 'restart'), (req, res) => {
    const signalText = queryString(req, 'signal');
    const signal = signalText === undefined ? undefined : stopSignal.safeParse(signalText);
    if (signal && !signal.success) {
      throw badRequest(`signal: must be one of ${stopSignal.options.join(', ')}`);
    }
    const timeoutText = queryString(req, 'timeout');
    const timeoutMs = timeoutText === undefined ? undefined : parseSecondsOrDuration(timeoutText);
    if (timeoutMs === null) {
      throw badRequest(`timeout: must be a Go duration ("10s") or a number of seconds`);
    }
    const { m } = subject(ctx, req, 'restart');
    ctx.lifecycle.restart(m, stopOptionsOf(m.config, { signal: signal?.data, timeoutMs }));
    res.json({ ok: true });
  });

  router.post(path('signal'), rateLimit(ctx, 'signal'), (req, res) => {
    const body = parseBody(signalRequestSchema, req.body, 'SignalRequest');
    const { m } = subject(ctx, req, 'signal');
    ctx.lifecycle.signal(m, body.signal);
    res.json({ ok: true });
  });

  for (const [action, cordoned] of [
    ['cordon', true],
    ['uncordon', false],
  ] as const) {
    router.post(path(action), rateLimit(ctx, action), (req, res) => {
      const m = ctx.store.liveMachine(param(req, 'app'), param(req, 'id'));
      requireLeaseNonce(ctx, m, req);
      m.cordoned = cordoned;
      ctx.store.touch(m);
      res.json({ ok: true });
    });
  }

  return router;
}
