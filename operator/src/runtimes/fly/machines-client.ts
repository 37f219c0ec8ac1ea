import { TransientError } from '../../reconcile/errors.ts';
import { createHttpExecutor, flyCodeOf, flyStatusOf } from './machines-http.ts';
import type { HttpRequest, MachinesHttpOptions } from './machines-http.ts';
import { createMachinesRateLimits } from './machines-rate-limits.ts';
import type { MachinesAction, MachinesRateLimitOptions } from './machines-rate-limits.ts';
import type { HeldLease, MachinesClient } from './machines-api.ts';
import type { Lease, Machine, WaitMachineResponse } from './machines-types.ts';

export type { HeldLease, ListMachinesQuery, MachinesClient, WaitQuery } from './machines-api.ts';
export { flyCodeOf, flyStatusOf, FlyHttpError } from './machines-http.ts';

/** Options of `createMachinesClient`. */
export interface MachinesClientOptions extends MachinesHttpOptions {
  /** Client-side pacing (default: Fly's documented limits); `false` turns it off. */
  rateLimits?: MachinesRateLimitOptions | false;
}

const LEASE_HEADER = 'fly-machine-lease-nonce';
/**
 * Fly answers 404 to a wait sent right after the create, for a moment; pausing this long first
 * usually saves that call and a token of the machine's wait bucket (a 404 is still retried). A
 * machine takes longer than this to start anyway.
 */
const JUST_CREATED_PAUSE_MS = 250;

const seg = encodeURIComponent;
const machinesPath = (app: string): string => `/v1/apps/${seg(app)}/machines`;
const machinePath = (app: string, id: string): string => `${machinesPath(app)}/${seg(id)}`;
const leaseHeaders = (lease: HeldLease | undefined): Record<string, string> | undefined =>
  lease ? { [LEASE_HEADER]: lease.nonce } : undefined;

export function createMachinesClient(options: MachinesClientOptions): MachinesClient {
  const send = createHttpExecutor(options);
  // A wait request may take its wait plus the usual request budget.
  const waitMarginMs = options.requestTimeoutMs ?? 15_000;
  const limits =
    options.rateLimits === false ? undefined : createMachinesRateLimits(options.rateLimits);
  const paced = (app: string, action: MachinesAction, machineId?: string) =>
    limits ? () => limits.acquire(app, action, machineId) : undefined;

  const call = async <T>(request: HttpRequest): Promise<T> => (await send(request)).body as T;

  return {
    async listMachines(app, query = {}) {
      const filters: Record<string, string> = {};
      for (const [key, value] of Object.entries(query.metadata ?? {})) {
        filters[`metadata.${key}`] = value;
      }
      const body = await call<unknown>({
        operation: `list machines in ${app}`,
        method: 'GET',
        path: machinesPath(app),
        query: { include_deleted: query.includeDeleted ?? false, ...filters },
        beforeAttempt: paced(app, 'list'),
      });
      if (!Array.isArray(body)) {
        throw new TransientError(`fly: list machines in ${app}: response is not an array`);
      }
      return body as Machine[];
    },

    async getMachine(app, machineId) {
      try {
        return await call<Machine>({
          operation: `get machine ${machineId}`,
          method: 'GET',
          path: machinePath(app, machineId),
          beforeAttempt: paced(app, 'get', machineId),
        });
      } catch (error) {
        if (flyStatusOf(error) === 404) return null;
        throw error;
      }
    },

    createMachine: (app, request, secrets) =>
      call<Machine>({
        operation: `create machine${request.name ? ` ${request.name}` : ''} in ${app}`,
        method: 'POST',
        path: machinesPath(app),
        body: request,
        beforeAttempt: paced(app, 'create'),
        secrets,
      }),

    updateMachine: (app, machineId, request, lease, secrets) =>
      call<Machine>({
        operation: `update machine ${machineId}`,
        method: 'POST',
        path: machinePath(app, machineId),
        body: request,
        headers: leaseHeaders(lease),
        beforeAttempt: paced(app, 'update', machineId),
        secrets,
      }),

    async startMachine(app, machineId, lease) {
      await send({
        operation: `start machine ${machineId}`,
        method: 'POST',
        path: `${machinePath(app, machineId)}/start`,
        headers: leaseHeaders(lease),
        beforeAttempt: paced(app, 'start', machineId),
      });
    },

    async stopMachine(app, machineId, request, lease) {
      await send({
        operation: `stop machine ${machineId}`,
        method: 'POST',
        path: `${machinePath(app, machineId)}/stop`,
        body: request,
        headers: leaseHeaders(lease),
        beforeAttempt: paced(app, 'stop', machineId),
      });
    },

    async destroyMachine(app, machineId, { force }, lease) {
      await send({
        operation: `destroy machine ${machineId}`,
        method: 'DELETE',
        path: machinePath(app, machineId),
        query: { force },
        headers: leaseHeaders(lease),
        beforeAttempt: paced(app, 'destroy', machineId),
      });
    },

    async waitMachine(app, machineId, query) {
      const timeout = Math.max(1, Math.min(60, Math.ceil(query.timeoutSeconds)));
      try {
        return await call<WaitMachineResponse>({
          operation: `wait for machine ${machineId} to be ${query.state}`,
          method: 'GET',
          path: `${machinePath(app, machineId)}/wait`,
          query: { state: query.state, timeout, instance_id: query.instanceId },
          timeoutMs: timeout * 1000 + waitMarginMs,
          pauseMs: query.justCreated ? JUST_CREATED_PAUSE_MS : undefined,
          beforeAttempt: paced(app, 'wait', machineId),
          retryStatus: (status) => {
            if (status === 404) return query.justCreated === true;
            return status === 408 ? false : undefined;
          },
        });
      } catch (error) {
        if (flyStatusOf(error) === 408) return null;
        throw error;
      }
    },

    async acquireLease(app, machineId, { ttlSeconds, description }) {
      const body = await call<unknown>({
        operation: `acquire lease on machine ${machineId}`,
        method: 'POST',
        path: `${machinePath(app, machineId)}/lease`,
        body: { ttl: Math.max(1, Math.ceil(ttlSeconds)), description },
        beforeAttempt: paced(app, 'lease-acquire', machineId),
      });
      const lease = unwrapLease(body);
      if (typeof lease?.nonce !== 'string' || lease.nonce === '') {
        throw new TransientError(`fly: acquire lease on machine ${machineId}: no nonce returned`);
      }
      return { nonce: lease.nonce, expiresAt: lease.expires_at };
    },

    async releaseLease(app, machineId, lease) {
      await send({
        operation: `release lease on machine ${machineId}`,
        method: 'DELETE',
        path: `${machinePath(app, machineId)}/lease`,
        headers: leaseHeaders(lease),
        beforeAttempt: paced(app, 'lease-release', machineId),
      });
    },

    async getLease(app, machineId) {
      try {
        const body = await call<unknown>({
          operation: `get lease of machine ${machineId}`,
          method: 'GET',
          path: `${machinePath(app, machineId)}/lease`,
          beforeAttempt: paced(app, 'lease-get', machineId),
        });
        return unwrapLease(body) ?? null;
      } catch (error) {
        if (flyStatusOf(error) === 404) return null;
        throw error;
      }
    },

    async ensureApp(app, orgSlug) {
      const get = (): Promise<unknown> =>
        call<unknown>({
          operation: `get app ${app}`,
          method: 'GET',
          path: `/v1/apps/${seg(app)}`,
          beforeAttempt: paced(app, 'app'),
        }).catch((error: unknown) => {
          if (flyStatusOf(error) === 404) return null;
          throw error;
        });
      if ((await get()) !== null) return;
      try {
        await send({
          operation: `create app ${app}`,
          method: 'POST',
          path: '/v1/apps',
          body: { name: app, org_slug: orgSlug },
          beforeAttempt: paced(app, 'app'),
        });
      } catch (error) {
        // A concurrent or retried create: fine if the app is there now.
        const status = flyStatusOf(error);
        if ((status !== 409 && status !== 422) || (await get()) === null) throw error;
      }
    },
  };
}

/** A lease body, bare (`Lease`) or wrapped as `{status, data: Lease}` as the API also answers. */
function unwrapLease(body: unknown): Lease | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const data = (body as { data?: unknown }).data;
  if (data && typeof data === 'object') return data;
  return body;
}

/**
 * A create refused because the name is in use: 409 or the spec's `name_taken` status code, or,
 * should the API word it so, a 422 saying the name is taken / not unique.
 */
export function isNameConflict(error: unknown): boolean {
  const status = flyStatusOf(error);
  if (status === 409 || flyCodeOf(error) === 'name_taken') return true;
  const message = error instanceof Error ? error.message : '';
  return status === 422 && /name/i.test(message) && /taken|exists|unique/i.test(message);
}
