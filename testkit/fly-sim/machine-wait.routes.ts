import type { Request } from 'express';
import { Router } from 'express';
import { stateSatisfies } from './machine-states.ts';
import { eventJson } from './machine-view.ts';
import {
  param,
  queryInt,
  queryList,
  queryString,
  rateLimit,
  type SimContext,
} from './route-helpers.ts';
import { badRequest, notFound, SimHttpError } from './sim-errors.ts';
import type { SimMachine } from './sim-store.ts';

const WAIT_STATES = ['started', 'stopped', 'suspended', 'destroyed', 'failed', 'settled'];
/** Fly blocks a wait for at most 60 s; a longer timeout is capped. */
const MAX_WAIT_SECONDS = 60;

interface WaitQuery {
  states: string[];
  timeoutSeconds: number;
  version: string | undefined;
  fromEventId: string | undefined;
}

function waitQuery(req: Request): WaitQuery {
  const states = queryList(req, 'state');
  for (const state of states) {
    if (!WAIT_STATES.includes(state)) {
      throw badRequest(`state: must be one of ${WAIT_STATES.join(', ')}, got "${state}"`);
    }
  }
  const timeout = queryInt(req, 'timeout', 0, Number.MAX_SAFE_INTEGER) ?? MAX_WAIT_SECONDS;
  return {
    states: states.length > 0 ? states : ['started'],
    timeoutSeconds: Math.min(timeout, MAX_WAIT_SECONDS),
    version: queryString(req, 'version') ?? queryString(req, 'instance_id'),
    fromEventId: queryString(req, 'from_event_id'),
  };
}

/** The WaitMachineResponse when the wait is satisfied, else null. */
function reached(m: SimMachine, query: WaitQuery): Record<string, unknown> | null {
  if (query.version !== undefined && query.version !== m.version) {
    // That instance was replaced: it is stopped for good and will never start again.
    const gone = query.states.find((state) => state === 'stopped' || state === 'destroyed');
    return gone ? { ok: true, state: gone, version: query.version } : null;
  }
  if (!query.states.some((state) => stateSatisfies(m.state, state))) return null;
  if (query.fromEventId !== undefined && m.stateEventId <= query.fromEventId) return null;
  return { ok: true, state: m.state, version: m.version, event_id: m.stateEventId };
}

/** wait, events and versions: the read side of a machine's history. */
export function createMachineWaitRouter(ctx: SimContext): Router {
  const router = Router();

  router.get('/:app/machines/:id/wait', rateLimit(ctx, 'wait'), async (req, res) => {
    const m = ctx.store.machine(param(req, 'app'), param(req, 'id'));
    // Fly's wait can miss a machine created a moment ago; clients are expected to retry.
    if (ctx.monotonic() - m.bornAt < ctx.waitNotFoundMs) throw notFound('machine');
    const query = waitQuery(req);
    if (query.version !== undefined && !m.versions.some((v) => v.version === query.version)) {
      throw badRequest(`version: ${query.version} is not a version of machine ${m.id}`);
    }
    const body = await new Promise<Record<string, unknown> | null>((resolve) => {
      const now = reached(m, query);
      if (now) return resolve(now);
      const finish = (value: Record<string, unknown> | null): void => {
        clearTimeout(timer);
        unsubscribe();
        res.off('close', onClose);
        resolve(value);
      };
      const onClose = (): void => finish(null);
      const timer = setTimeout(() => finish(null), query.timeoutSeconds * 1000);
      const unsubscribe = ctx.store.onChange((changed) => {
        if (changed !== m) return;
        const done = reached(m, query);
        if (done) finish(done);
      });
      res.on('close', onClose);
    });
    if (res.destroyed || res.writableEnded) return;
    if (body) {
      res.json(body);
      return;
    }
    throw new SimHttpError(
      408,
      `deadline_exceeded: machine did not reach state ${query.states.join(' or ')} within ${query.timeoutSeconds}s (state: ${m.state})`,
    );
  });

  router.get('/:app/machines/:id/events', rateLimit(ctx, 'events'), (req, res) => {
    const m = ctx.store.machine(param(req, 'app'), param(req, 'id'));
    const limit = Math.min(queryInt(req, 'limit', 1, Number.MAX_SAFE_INTEGER) ?? 20, 50);
    res.json(m.events.slice(-limit).reverse().map(eventJson));
  });

  router.get('/:app/machines/:id/versions', rateLimit(ctx, 'versions'), (req, res) => {
    const m = ctx.store.machine(param(req, 'app'), param(req, 'id'));
    const versions = [...m.versions].reverse();
    res.json(versions.map((v) => ({ version: v.version, user_config: v.config })));
  });

  return router;
}
