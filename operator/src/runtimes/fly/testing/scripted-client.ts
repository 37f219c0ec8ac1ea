import { TransientError } from '../../../reconcile/errors.ts';
import { FlyHttpError } from '../machines-http.ts';
import type { HeldLease, MachinesClient } from '../machines-api.ts';
import type { Lease, Machine } from '../machines-types.ts';

/** A call the scripted client received: method name and arguments. */
export type ScriptedCall = [method: keyof MachinesClient, ...args: unknown[]];

/** An in-memory MachinesClient whose methods can be overridden one by one, recording calls. */
export interface ScriptedClient extends MachinesClient {
  readonly calls: ScriptedCall[];
  readonly machines: Map<string, Machine>;
  /** The unscripted behaviour, for overrides that wrap it. */
  readonly base: MachinesClient;
  /** Makes `method` run `impl` instead (e.g. to fail it). */
  override<K extends keyof MachinesClient>(method: K, impl: MachinesClient[K]): void;
}

/** The reconcile error the real client throws for an API answer `status`. */
export function apiError(status: number, message: string): TransientError {
  return new TransientError(`fly: scripted: ${message}`, {
    cause: new FlyHttpError(`${status} ${message}`, status, undefined),
  });
}

/** Machines keep whatever state they are given; start and stop settle at once. */
export function createScriptedClient(): ScriptedClient {
  const machines = new Map<string, Machine>();
  const calls: ScriptedCall[] = [];
  let lease: (Lease & { machineId: string }) | null = null;
  let nextId = 1;

  const set = (id: string, patch: Partial<Machine>): void => {
    const machine = machines.get(id);
    if (machine) machines.set(id, { ...machine, ...patch });
  };

  const base: MachinesClient = {
    listMachines: (_app, query) =>
      Promise.resolve(
        [...machines.values()].filter((m) =>
          Object.entries(query?.metadata ?? {}).every(([k, v]) => m.config?.metadata?.[k] === v),
        ),
      ),
    getMachine: (_app, id) => Promise.resolve(machines.get(id) ?? null),
    createMachine(_app, request) {
      const id = `m${nextId++}`;
      const machine: Machine = { id, name: request.name, state: 'started', version: 'v1' };
      if (request.config) machine.config = request.config;
      machines.set(id, machine);
      return Promise.resolve(machine);
    },
    updateMachine(_app, id, request) {
      set(id, { config: request.config ?? {}, version: `v${nextId++}` });
      return Promise.resolve(machines.get(id) ?? {});
    },
    startMachine: (_app, id) => Promise.resolve(set(id, { state: 'started' })),
    stopMachine: (_app, id) => Promise.resolve(set(id, { state: 'stopped' })),
    destroyMachine: (_app, id) => Promise.resolve(void machines.delete(id)),
    waitMachine: () => Promise.resolve({ ok: true }),
    acquireLease(_app, machineId, { description }) {
      if (lease) return Promise.reject(apiError(409, 'leased'));
      const nonce = `n${nextId++}`;
      lease = { machineId, nonce, description };
      return Promise.resolve({ nonce, expiresAt: undefined });
    },
    releaseLease(_app, _id, held: HeldLease) {
      if (lease?.nonce === held.nonce) lease = null;
      return Promise.resolve();
    },
    getLease: () => Promise.resolve(lease),
    ensureApp: () => Promise.resolve(),
  };

  type Impl = (...args: unknown[]) => Promise<unknown>;
  const overrides = new Map<string, Impl>();
  const client = { calls, machines, base } as unknown as ScriptedClient;
  for (const [method, impl] of Object.entries(base) as [keyof MachinesClient, Impl][]) {
    Object.assign(client, {
      [method]: (...args: unknown[]) => {
        calls.push([method, ...args]);
        return (overrides.get(method) ?? impl)(...args);
      },
    });
  }
  client.override = (method, impl) => {
    overrides.set(method, impl as Impl);
  };
  return client;
}
