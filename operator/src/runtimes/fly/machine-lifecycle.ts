import { TransientError } from '../../reconcile/errors.ts';
import type { StopOptions } from '../runtime.ts';
import { configuredStop } from './machine-mapping.ts';
import type { MachineOps } from './machine-ops.ts';
import { flyStatusOf } from './machines-client.ts';
import type { MachinesClient } from './machines-client.ts';
import type { Machine } from './machines-types.ts';

/** Fly states in which the bot's process is not running (and stop has nothing to do). */
export const NOT_RUNNING: ReadonlySet<string> = new Set([
  'stopped',
  'suspended',
  'failed',
  'destroyed',
  'destroying',
]);
/** On their way to `started`: stop and update are refused (412) until they get there. */
const STARTING: ReadonlySet<string> = new Set(['created', 'starting', 'replacing']);
/** Lease length for a mutation whose waits happen outside the lease. */
export const SHORT_LEASE_SECONDS = 30;

/** Timing of the lifecycle steps, in seconds. */
export interface MachineLifecycleOptions {
  client: MachinesClient;
  ops: MachineOps;
  /** How long to wait for `started` after a launch. */
  startWait: number;
  /** Extra time past the stop timeout for the machine to report `stopped`. */
  stopGrace: number;
  /** Stop timeout for `destroy` when the machine config has none. */
  destroyStop: number;
}

/** The multi-call steps on one machine: settle, stop, destroy. */
export interface MachineLifecycle {
  /** A machine still starting, once it got there (bounded); stop and update need that. */
  settled(app: string, machine: Machine): Promise<Machine>;
  /** Stops with `stop` under a lease and waits for `stopped`; a machine still up is transient. */
  stop(app: string, machine: Machine, stop: StopOptions): Promise<void>;
  /**
   * Stops with the machine's own stop config, then destroys it forced (whatever survived the
   * stop timeout is killed) and waits for `destroyed`. A machine that is gone already succeeds.
   */
  destroy(app: string, machine: Machine): Promise<void>;
}

const goDuration = (seconds: number): string => `${Math.max(1, Math.ceil(seconds))}s`;

export function createMachineLifecycle(options: MachineLifecycleOptions): MachineLifecycle {
  const { client, ops, startWait, stopGrace, destroyStop } = options;

  async function settled(app: string, machine: Machine): Promise<Machine> {
    if (!STARTING.has(machine.state ?? '') || !machine.id) return machine;
    await ops.waitFor(app, machine.id, 'started', startWait);
    return (await client.getMachine(app, machine.id)) ?? machine;
  }

  return {
    settled,

    async stop(app, found, stop) {
      const machine = await settled(app, found);
      const id = machine.id ?? '';
      if (NOT_RUNNING.has(machine.state ?? '')) return;
      const ttl = stop.timeoutSeconds + stopGrace + SHORT_LEASE_SECONDS;
      await ops.withLease(app, id, ttl, async (lease) => {
        if (machine.state !== 'stopping') {
          const request = { signal: stop.signal, timeout: goDuration(stop.timeoutSeconds) };
          await client.stopMachine(app, id, request, lease);
        }
        await ops.waitFor(app, id, 'stopped', stop.timeoutSeconds + stopGrace);
      });
      const after = await client.getMachine(app, id);
      if (after && !NOT_RUNNING.has(after.state ?? '')) {
        throw new TransientError(`fly: machine ${id} is still ${after.state} after stop`);
      }
    },

    async destroy(app, machine) {
      const id = machine.id ?? '';
      if (machine.state !== 'destroying') {
        const stop = configuredStop(machine, destroyStop);
        const ttl = stop.timeoutSeconds + stopGrace + SHORT_LEASE_SECONDS;
        try {
          await ops.withLease(app, id, ttl, async (lease) => {
            if (!NOT_RUNNING.has(machine.state ?? '')) {
              const request = { signal: stop.signal, timeout: goDuration(stop.timeoutSeconds) };
              await client.stopMachine(app, id, request, lease);
              await ops.waitFor(app, id, 'stopped', stop.timeoutSeconds + stopGrace);
            }
            await client.destroyMachine(app, id, { force: true }, lease);
          });
        } catch (error) {
          if (flyStatusOf(error) !== 404) throw error; // gone already
        }
      }
      await ops.waitFor(app, id, 'destroyed', 30);
      const after = await client.getMachine(app, id);
      if (after && after.state !== 'destroyed') {
        throw new TransientError(`fly: machine ${id} is still ${after.state} after destroy`);
      }
    },
  };
}
