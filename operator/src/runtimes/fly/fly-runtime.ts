import { StalledError, TransientError, WaitingError } from '../../reconcile/errors.ts';
import type { BotRuntime, DesiredInstance, ObservedInstance } from '../runtime.ts';
import { createAppInventory } from './app-inventory.ts';
import { createBotMachines } from './bot-machines.ts';
import { createKeyedLock } from '../keyed-lock.ts';
import { createMachineLifecycle, NOT_RUNNING, SHORT_LEASE_SECONDS } from './machine-lifecycle.ts';
import { botIdOf, CONFIG_HASH_KEY, machineConfig } from './machine-mapping.ts';
import { machineName, observedInstance, secretEnvValues } from './machine-mapping.ts';
import { createMachineOps } from './machine-ops.ts';
import type { FlyRuntimeLogger } from './machine-ops.ts';
import { createMachinesClient, isNameConflict } from './machines-client.ts';
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
  /**
   * How long a list that showed a bot without a machine is trusted (60 s): meanwhile `observe`
   * answers null and `create` skips its find without asking the API again. Only a machine made
   * by someone else can hide in that window, and machine names are unique per app, so a create
   * of it answers 409 and adopts it.
   */
  absenceTrustSeconds?: number;
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

export function createFlyRuntime(options: FlyRuntimeOptions): FlyRuntime {
  const client = options.client ?? clientFrom(options);
  const logger = options.logger ?? { warn: () => undefined };
  const startWait = options.startWaitSeconds ?? 20;
  const stopGrace = options.stopGraceSeconds ?? 15;
  const defaults = {
    guest: { ...DEFAULT_GUEST, ...options.guest },
    restart: { ...DEFAULT_RESTART, ...options.restart },
  };
  const ops = createMachineOps({ client, logger });
  const lifecycle = createMachineLifecycle({
    client,
    ops,
    startWait,
    stopGrace,
    destroyStop: options.destroyStopSeconds ?? 30,
  });
  const lock = createKeyedLock();
  const touchedApps = new Set<string>();
  const appFor = (botId: string): string => {
    const app = typeof options.app === 'string' ? options.app : options.app(botId);
    touchedApps.add(app);
    return app;
  };
  const ensuredApps = new Map<string, Promise<void>>();
  const inventory = createAppInventory({
    listManaged: (app) => ops.listManaged(app),
    absenceTrustMs: (options.absenceTrustSeconds ?? 60) * 1000,
  });
  const machines = createBotMachines({ client, ops, inventory, logger });
  const observeNow = async (app: string, botId: string, machine: Machine) =>
    observedInstance(botId, await machines.reread(app, botId, machine));

  const existingFor = (botId: string, machine: Machine): ObservedInstance => {
    if (machine.state === 'destroying') {
      throw new WaitingError(
        `fly: machine ${machine.id} of bot ${botId} is being destroyed`,
        2_000,
      );
    }
    return observedInstance(botId, machine);
  };

  /** Makes the app once; concurrent creates share the calls. */
  function ensureApp(app: string): Promise<void> {
    const orgSlug = options.orgSlug;
    if (!orgSlug) return Promise.resolve();
    let ensured = ensuredApps.get(app);
    if (!ensured) {
      ensured = client.ensureApp(app, orgSlug).catch((error: unknown) => {
        ensuredApps.delete(app);
        throw error;
      });
      ensuredApps.set(app, ensured);
    }
    return ensured;
  }

  /** After a name conflict: the machine a lost response or another operator made for the bot. */
  async function adopt(app: string, botId: string, conflict: unknown): Promise<ObservedInstance> {
    const tagged = (await machines.listed(app, botId))[0];
    if (tagged) return existingFor(botId, tagged);
    const named = (await client.listMachines(app)).find(
      (m) => m.name === machineName(botId) && m.state !== 'destroyed',
    );
    if (named && botIdOf(named) === botId) return existingFor(botId, named);
    if (named) {
      const owner = botIdOf(named);
      throw new StalledError(
        `fly: machine name ${machineName(botId)} in ${app} is taken by machine ${named.id}` +
          (owner === undefined ? ', which is not managed by hmmtrade' : ` of bot ${owner}`),
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
    // A recent list shows no machine: no find. Names are unique per app, so a machine made
    // since (a retried create, another operator) still cannot be doubled: 409 → adopt.
    const existing = await machines.current(app, botId);
    if (existing) return existingFor(botId, existing);
    let machine: Machine;
    try {
      const request = {
        name: machineName(botId),
        region: desired.region ?? options.region,
        config: machineConfig(desired, defaults),
      };
      machine = await client.createMachine(app, request, secretEnvValues(desired));
    } catch (error) {
      if (isNameConflict(error)) {
        return adopt(app, botId, error);
      }
      inventory.forget(app, botId); // the answer may be lost, not the machine
      throw error;
    }
    inventory.record(app, botId, [machine], Date.now()); // it exists from the answer on
    if (!machine.id) return observeNow(app, botId, machine);
    const started = await ops.waitFor(app, machine.id, 'started', startWait, { justCreated: true });
    // The wait answered `started`: no need to read the machine again to learn it.
    return started
      ? observedInstance(botId, { ...machine, state: 'started' })
      : observeNow(app, botId, machine);
  }

  async function update(desired: DesiredInstance): Promise<ObservedInstance> {
    const { botId } = desired;
    const app = appFor(botId);
    const found = await machines.current(app, botId);
    if (!found?.id) return create(desired);
    if (found.config?.metadata?.[CONFIG_HASH_KEY] === desired.configHash) {
      return existingFor(botId, found);
    }
    const machine = await lifecycle.settled(app, found);
    const region = desired.region ?? options.region;
    if (region && machine.region && region !== machine.region) {
      // A machine cannot move: replace it.
      await lifecycle.destroy(app, machine);
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
        secretEnvValues(desired),
      ),
    );
    if (!stopped) {
      const version = updated.version ?? updated.instance_id;
      await ops.waitFor(app, id, 'started', startWait, { instanceId: version });
    }
    return observeNow(app, botId, { ...updated, id: updated.id ?? id });
  }

  return {
    backend: 'fly',
    appFor,

    async observe(botId) {
      const machine = await machines.current(appFor(botId), botId);
      return machine ? observedInstance(botId, machine) : null;
    },

    async list() {
      const apps =
        typeof options.app === 'string'
          ? [options.app]
          : [...new Set([...((await options.apps?.()) ?? []), ...touchedApps])];
      const perApp = await Promise.all(apps.map((app) => inventory.refresh(app)));
      return perApp.flat().map((m) => observedInstance(botIdOf(m) ?? '', m));
    },

    create: (desired) => lock.run(desired.botId, () => create(desired)),

    start: (botId) =>
      lock.run(botId, async () => {
        const app = appFor(botId);
        let machine = await machines.current(app, botId);
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
        return observeNow(app, botId, machine);
      }),

    stop: (botId, stop) =>
      lock.run(botId, async () => {
        const app = appFor(botId);
        for (const machine of await machines.all(app, botId)) {
          await lifecycle.stop(app, machine, stop);
        }
      }),

    update: (desired) => lock.run(desired.botId, () => update(desired)),

    destroy: (botId) =>
      lock.run(botId, async () => {
        const app = appFor(botId);
        for (const machine of await machines.all(app, botId)) {
          await lifecycle.destroy(app, machine);
        }
        inventory.record(app, botId, [], Date.now());
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
