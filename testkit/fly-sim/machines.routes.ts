import type { Request } from 'express';
import { Router } from 'express';
import { newMachineId, newMachineName, newPrivateIp } from './fly-ids.ts';
import { grantLease, requireLeaseNonce } from './machine-leases.ts';
import { stopOptionsOf } from './machine-launch.ts';
import { createMachineSchema, type MachineConfig, updateMachineSchema } from './machine-schemas.ts';
import { decideAction, MACHINE_STATES } from './machine-states.ts';
import { machineJson } from './machine-view.ts';
import {
  param,
  queryBool,
  queryInt,
  queryList,
  queryString,
  rateLimit,
  type SimContext,
} from './route-helpers.ts';
import { badRequest, notFound, parseBody, preconditionFailed, SimHttpError } from './sim-errors.ts';
import type { SimMachine } from './sim-store.ts';

/** Fly fills the guest with these when the config gives none. */
function withGuestDefaults(config: MachineConfig): MachineConfig {
  return { ...config, guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 256, ...config.guest } };
}

/** 409 when another live machine of the app already has `name`. */
function assertNameFree(ctx: SimContext, app: string, name: string, self?: string): void {
  const holder = ctx.store.machinesOf(app, false).find((m) => m.name === name && m.id !== self);
  if (holder) {
    throw new SimHttpError(409, `machine name "${name}" is already taken by machine ${holder.id}`, {
      statusCode: 'name_taken',
    });
  }
}

/** Machines of the app matching the list filters, in creation order. */
function listed(ctx: SimContext, req: Request): SimMachine[] {
  const states = queryList(req, 'state');
  for (const state of states) {
    if (!(MACHINE_STATES as readonly string[]).includes(state)) {
      throw badRequest(`state: unknown state "${state}" (one of ${MACHINE_STATES.join(', ')})`);
    }
  }
  const region = queryString(req, 'region');
  const metadata = Object.entries(req.query)
    .filter(([key]) => key.startsWith('metadata.'))
    .map(([key, value]) => {
      if (typeof value !== 'string') throw badRequest(`${key}: must be given once`);
      return [key.slice('metadata.'.length), value] as const;
    });
  return ctx.store
    .machinesOf(param(req, 'app'), queryBool(req, 'include_deleted'))
    .filter((m) => states.length === 0 || states.includes(m.state))
    .filter((m) => region === undefined || m.region === region)
    .filter((m) => metadata.every(([key, value]) => m.config.metadata?.[key] === value));
}

/** Machines create, list, get, update and destroy. */
export function createMachinesRouter(ctx: SimContext): Router {
  const router = Router();

  router.post('/:app/machines', rateLimit(ctx, 'create'), (req, res) => {
    const app = ctx.store.app(param(req, 'app'));
    const body = parseBody(createMachineSchema, req.body, 'CreateMachineRequest');
    const name = body.name ?? newMachineName();
    assertNameFree(ctx, app.name, name);
    const m = ctx.store.addMachine(
      {
        id: newMachineId(),
        app: app.name,
        name,
        region: body.region ?? ctx.defaultRegion,
        privateIp: newPrivateIp(),
        config: withGuestDefaults(body.config),
      },
      { type: 'launch', status: 'created', source: 'user' },
    );
    const lease = body.lease_ttl ? grantLease(ctx, m, { ttlSeconds: body.lease_ttl }) : null;
    if (!body.skip_launch) ctx.lifecycle.launchNew(m);
    res.json(machineJson(m, lease ? { nonce: lease.nonce } : {}));
  });

  router.get('/:app/machines', rateLimit(ctx, 'list'), (req, res) => {
    const limit = queryInt(req, 'limit', 1, 1000);
    const cursor = queryString(req, 'cursor');
    if (cursor !== undefined && limit === undefined) throw badRequest('cursor: requires limit');
    let machines = listed(ctx, req);
    if (limit !== undefined) {
      const all = ctx.store.machinesOf(param(req, 'app'), true);
      const start = cursor === undefined ? 0 : cursorStart(all, machines, cursor);
      const page = machines.slice(start, start + limit);
      const last = page.at(-1);
      if (last && start + limit < machines.length)
        res.set('fly-next-cursor', encodeCursor(last.id));
      machines = page;
    }
    const summary = queryBool(req, 'summary');
    const includeLease = queryBool(req, 'include_leases');
    res.json(machines.map((m) => machineJson(m, { summary, includeLease })));
  });

  router.get('/:app/machines/:id', rateLimit(ctx, 'get'), (req, res) => {
    const m = ctx.store.machine(param(req, 'app'), param(req, 'id'));
    const includeLease = queryBool(req, 'include_leases');
    const wanted = queryString(req, 'version');
    if (wanted === undefined) {
      res.json(machineJson(m, { includeLease }));
      return;
    }
    const found = m.versions.find((v) => v.version === wanted);
    if (!found) throw notFound('machine version');
    res.json(machineJson(m, { includeLease, version: found.version, config: found.config }));
  });

  router.post('/:app/machines/:id', rateLimit(ctx, 'update'), (req, res) => {
    const m = ctx.store.liveMachine(param(req, 'app'), param(req, 'id'));
    requireLeaseNonce(ctx, m, req);
    const body = parseBody(updateMachineSchema, req.body, 'UpdateMachineRequest');
    if (body.current_version !== undefined && body.current_version !== m.version) {
      throw new SimHttpError(
        409,
        `current_version ${body.current_version} is not the machine's current version ${m.version}; nothing changed`,
      );
    }
    const decision = decideAction('update', m.state);
    if (decision.kind === 'refuse') throw preconditionFailed(decision.reason);
    if (body.name !== undefined) assertNameFree(ctx, m.app, body.name, m.id);
    const oldStop = stopOptionsOf(m.config);
    if (body.name !== undefined) m.name = body.name;
    m.config = withGuestDefaults(body.config);
    m.version = ctx.store.newId();
    m.versions.push({ version: m.version, config: m.config });
    if (body.lease_ttl && !m.lease) grantLease(ctx, m, { ttlSeconds: body.lease_ttl });
    const launch = body.skip_launch !== true;
    if (m.process !== null || launch) ctx.lifecycle.replace(m, { launch, stop: oldStop });
    else ctx.store.record(m, { type: 'update', status: m.state, source: 'user' });
    res.json(machineJson(m));
  });

  router.delete('/:app/machines/:id', rateLimit(ctx, 'destroy'), (req, res) => {
    const m = ctx.store.liveMachine(param(req, 'app'), param(req, 'id'));
    requireLeaseNonce(ctx, m, req);
    const force = queryBool(req, 'force');
    const decision = decideAction(force ? 'force-destroy' : 'destroy', m.state);
    if (decision.kind === 'refuse') throw preconditionFailed(decision.reason);
    ctx.lifecycle.destroy(m, force);
    res.json({ ok: true });
  });

  return router;
}

const encodeCursor = (id: string): string => Buffer.from(`after:${id}`).toString('base64url');

/**
 * Index in `listed` of the first machine created after the one the cursor names (found among
 * `all`, so a machine destroyed since still anchors the page); 400 for a foreign cursor.
 */
function cursorStart(
  all: readonly SimMachine[],
  listed: readonly SimMachine[],
  cursor: string,
): number {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith('after:') ? decoded.slice('after:'.length) : '';
  const anchor = all.findIndex((m) => m.id === id);
  if (anchor === -1) throw badRequest('cursor: invalid or expired; start again without a cursor');
  const after = new Set(all.slice(anchor + 1));
  const start = listed.findIndex((m) => after.has(m));
  return start === -1 ? listed.length : start;
}
