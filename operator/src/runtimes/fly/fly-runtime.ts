import { StalledError, TransientError, WaitingError } from '../../reconcile/errors.ts';
import type { BotRuntime, DesiredInstance, ObservedInstance, StopOptions } from '../runtime.ts';
import { createKeyedLock } from './keyed-lock.ts';
import { CONFIG_HASH_KEY, botIdOf, configuredStop, machineConfig } from './machine-mapping.ts';
import { machineName } from './machine-mapping.ts';
import { observedInstance } from './machine-mapping.ts';
import { createMachineOps } from './machine-ops.ts';
import type { FlyRuntimeLogger } from './machine-ops.ts';
import { createMachinesClient, flyCodeOf, flyStatusOf } from './machines-client.ts';
import type { MachinesClient, MachinesClientOptions } from './machines-client.ts';
import type { Machine, MachineGuest, MachineRestart } from './machines-types.ts';

export type { FlyRuntimeLogger } from './machine-ops.ts';

/** Options of `createFlyRuntime`: a client, or what to build one from. */
export interface FlyRuntimeOptions {
  client?: MachinesClient;
  /** With no `client`: base URL (`https://api.machines.dev`), token and client tuning. */
  apiUrl?: string;
  token?: string;
  clientOptions?: Omit<MachinesClientOptions, 'apiUrl' | 'token'>;
  /** One app for every bot, or one app per bot's customer. */
  app: string | ((botId: string) => string);
  /** With a per-customer `app`: the apps `list()` scans (default: those this runtime touched). */
  apps?: () => Promise<readonly string[]>;
  /** When set, `create` first makes the bot's app in this organization if it is missing. */
  orgSlug?: string;
  /** Region when the desired instance names none (default: Fly picks). */
  region?: string;
  /** Base guest; cpus and memory come from the desired resources. */
  guest?: MachineGuest;
  restart?: MachineRestart;
  /** How long create, start and update wait for `started` before returning pending (20 s). */
  startWaitSeconds?: number;
  /** Extra time past the stop timeout for the machine to report `stopped` (15 s). */
  stopGraceSeconds?: number;
  /** Stop timeout for `destroy` when the machine config has none (30 s). */
  destroyStopSeconds?: number;
  logger?: FlyRuntimeLogger;
}

/** BotRuntime on Fly Machines: one machine per bot, named `bot-<id>` and tagged with its id. */
export interface FlyRuntime extends BotRuntime {
  readonly backend: 'fly';
  /** The app a bot's machine lives in. */
  appFor(botId: string): string;
}

const DEFAULT_GUEST: MachineGuest = { cpu_kind: 'shared', cpus: 1, memory_mb: 1024 };
const DEFAULT_RESTART: MachineRestart = { policy: 'on-failure', max_retries: 3 };
const NOT_RUNNING = new Set(['stopped', 'suspended', 'failed', 'destroyed', 'destroying']);
/** On their way to `started`: stop and update are refused (412) until they get there. */
const STARTING = new Set(['created', 'starting', 'replacing']);
/** Lease length for a mutation whose waits happen outside the lease. */
const SHORT_LEASE_SECONDS = 30;
const SECRET_ENV = /TOKEN|JWT|SECRET|PASSWORD|KEY|CREDENTIAL/i;

export function createFlyRuntime(options: FlyRuntimeOptions): FlyRuntime {
  const client = options.client ?? clientFrom(options);
  const logger = options.logger ?? { warn: () => undefined };
  const startWait = options.startWaitSeconds ?? 20;
  const stopGrace = options.stopGraceSeconds ?? 15;
  const destroyStop = options.destroyStopSeconds ?? 30;
  const defaults = {
    guest: { ...DEFAULT_GUEST, ...options.guest },
    restart: { ...DEFAULT_RESTART, ...options.restart },
  };
  const ops = createMachineOps({ client, logger });
  const lock = createKeyedLock();
  const touchedApps = new Set<string>();
  const appFor = (botId: string): string => {
    const app = typeof options.app === 'string' ? options.app : options.app(botId);
    touchedApps.add(app);
    return app;
  };
  const secretsOf = (desired: DesiredInstance): string[] =>
    Object.entries(desired.env)
      .filter(([key]) => SECRET_ENV.test(key))
      .map(([, value]) => value);
  const ensuredApps = new Set<string>();

  const find = async (botId: string): Promise<Machine | undefined> =>
    (await ops.findAll(appFor(botId), botId))[0];

  /** The bot's machine as observed now; a machine that vanished meanwhile is a transient. */
  const observeNow = async (botId: string, fallback?: Machine): Promise<ObservedInstance> => {
    const machine = (await find(botId)) ?? fallback;
    if (!machine) throw new TransientError(`fly: machine of bot ${botId} vanished`);
    return observedInstance(botId, machine);
  };

  const existingFor = (botId: string, machine: Machine): ObservedInstance => {
    if (machine.state === 'destroying') {
      throw new WaitingError(
        `fly: machine ${machine.id} of bot ${botId} is being destroyed`,
        2_000,
      );
    }
    return observedInstance(botId, machine);
  };

  async function ensureApp(app: string): Promise<void> {
    if (!options.orgSlug || ensuredApps.has(app)) return;
    await client.ensureApp(app, options.orgSlug);
    ensuredApps.add(app);
  }

  /** After a name conflict: the machine a lost response or another operator made for the bot. */
  async function adopt(app: string, botId: string, conflict: unknown): Promise<ObservedInstance> {
    const tagged = (await ops.findAll(app, botId))[0];
    if (tagged) return existingFor(botId, tagged);
    const named = (await ops.listManaged(app)).find((m) => m.name === machineName(botId));
    if (named && botIdOf(named) === botId) return existingFor(botId, named);
    if (named) {
      throw new StalledError(
        `fly: machine name ${machineName(botId)} in ${app} belongs to bot ${botIdOf(named)}`,
        { cause: conflict },
      );
    }
    throw new TransientError(`fly: create machine of bot ${botId} conflicted; not found yet`, {
      cause: conflict,
    });
  }

  async function create(desired: DesiredInstance): Promise<ObservedInstance> {
    const { botId } = desired;
    const app = appFor(botId);
    await ensureApp(app);
    const existing = (await ops.findAll(app, botId))[0];
    if (existing) return existingFor(botId, existing);
    let machine: Machine;
    try {
      const request = {
        name: machineName(botId),
        region: desired.region ?? options.region,
        config: machineConfig(desired, defaults),
      };
      machine = await client.createMachine(app, request, secretsOf(desired));
    } catch (error) {
      if (flyStatusOf(error) === 409 || flyCodeOf(error) === 'name_taken') {
        return adopt(app, botId, error);
      }
      throw error;
    }
    if (machine.id) await ops.waitFor(app, machine.id, 'started', startWait);
    return observeNow(botId, machine);
  }

  /** A machine still starting, once it got there (bounded); stop and update need that. */
  async function settled(app: string, machine: Machine): Promise<Machine> {
    if (!STARTING.has(machine.state ?? '') || !machine.id) return machine;
    await ops.waitFor(app, machine.id, 'started', startWait);
    return (await client.getMachine(app, machine.id)) ?? machine;
  }

  async function stopMachine(app: string, found: Machine, stop: StopOptions): Promise<void> {
    const machine = await settled(app, found);
    const id = machine.id ?? '';
    if (NOT_RUNNING.has(machine.state ?? '')) return;
    const ttl = stop.timeoutSeconds + stopGrace + SHORT_LEASE_SECONDS;
    await ops.withLease(app, id, ttl, async (lease) => {
      if (machine.state !== 'stopping') {
        const timeout = `${Math.max(1, Math.ceil(stop.timeoutSeconds))}s`;
        await client.stopMachine(app, id, { signal: stop.signal, timeout }, lease);
      }
      await ops.waitFor(app, id, 'stopped', stop.timeoutSeconds + stopGrace);
    });
    const after = await client.getMachine(app, id);
    if (after && !NOT_RUNNING.has(after.state ?? '')) {
      throw new TransientError(`fly: machine ${id} is still ${after.state} after stop`);
    }
  }

  async function destroyMachine(app: string, machine: Machine): Promise<void> {
    const id = machine.id ?? '';
    if (machine.state !== 'destroying') {
      const stop = configuredStop(machine, destroyStop);
      const ttl = stop.timeoutSeconds + stopGrace + SHORT_LEASE_SECONDS;
      try {
        await ops.withLease(app, id, ttl, async (lease) => {
          if (!NOT_RUNNING.has(machine.state ?? '')) {
            const timeout = `${Math.max(1, Math.ceil(stop.timeoutSeconds))}s`;
            await client.stopMachine(app, id, { signal: stop.signal, timeout }, lease);
            await ops.waitFor(app, id, 'stopped', stop.timeoutSeconds + stopGrace);
          }
          // Forced: whatever survived the stop timeout is killed.
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
  }

  async function update(desired: DesiredInstance): Promise<ObservedInstance> {
    const { botId } = desired;
    const app = appFor(botId);
    const found = await find(botId);
    if (!found?.id) return create(desired);
    if (found.config?.metadata?.[CONFIG_HASH_KEY] === desired.configHash) {
      return existingFor(botId, found);
    }
    const machine = await settled(app, found);
    const region = desired.region ?? options.region;
    if (region && machine.region && region !== machine.region) {
      // A machine cannot move: replace it.
      await destroyMachine(app, machine);
      return create(desired);
    }
    const id = machine.id ?? found.id;
    const stopped = NOT_RUNNING.has(machine.state ?? '');
    const updated = await ops.withLease(app, id, SHORT_LEASE_SECONDS, (lease) =>
      client.updateMachine(
        app,
        id,
        {
          config: machineConfig(desired, defaults),
          current_version: machine.version ?? machine.instance_id,
          // A stopped bot stays stopped: it picks the new config up on its next start.
          skip_launch: stopped ? true : undefined,
        },
        lease,
        secretsOf(desired),
      ),
    );
    if (!stopped) {
      const version = updated.version ?? updated.instance_id;
      await ops.waitFor(app, id, 'started', startWait, version);
    }
    return observeNow(botId, updated);
  }

  return {
    backend: 'fly',
    appFor,

    async observe(botId) {
      const machine = await find(botId);
      return machine ? observedInstance(botId, machine) : null;
    },

    async list() {
      const apps =
        typeof options.app === 'string'
          ? [options.app]
          : [...new Set([...((await options.apps?.()) ?? []), ...touchedApps])];
      const perApp = await Promise.all(apps.map((app) => ops.listManaged(app)));
      return perApp.flat().map((m) => observedInstance(botIdOf(m) ?? '', m));
    },

    create: (desired) => lock.run(desired.botId, () => create(desired)),

    start: (botId) =>
      lock.run(botId, async () => {
        const app = appFor(botId);
        let machine = await find(botId);
        if (!machine?.id) throw new TransientError(`fly: start: bot ${botId} has no machine`);
        const id = machine.id;
        if (machine.state === 'destroying') return existingFor(botId, machine);
        if (machine.state === 'stopping') {
          await ops.waitFor(app, id, 'stopped', stopGrace);
          machine = (await client.getMachine(app, id)) ?? machine;
        }
        if (!NOT_RUNNING.has(machine.state ?? '')) return observedInstance(botId, machine);
        await ops.withLease(app, id, SHORT_LEASE_SECONDS, (lease) =>
          client.startMachine(app, id, lease),
        );
        await ops.waitFor(app, id, 'started', startWait);
        return observeNow(botId, machine);
      }),

    stop: (botId, stop) =>
      lock.run(botId, async () => {
        const app = appFor(botId);
        for (const machine of await ops.findAll(app, botId)) await stopMachine(app, machine, stop);
      }),

    update: (desired) => lock.run(desired.botId, () => update(desired)),

    destroy: (botId) =>
      lock.run(botId, async () => {
        const app = appFor(botId);
        for (const machine of await ops.findAll(app, botId)) await destroyMachine(app, machine);
      }),
  };
}

function clientFrom(options: FlyRuntimeOptions): MachinesClient {
  if (!options.apiUrl || !options.token) {
    throw new TypeError('createFlyRuntime: pass `client`, or `apiUrl` and `token`');
  }
  return createMachinesClient({
    ...options.clientOptions,
    apiUrl: options.apiUrl,
    token: options.token,
  });
}
