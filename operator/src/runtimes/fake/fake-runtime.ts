import { TransientError } from '../../reconcile/errors.ts';
import type { BotRuntime, DesiredInstance, ObservedInstance, StopOptions } from '../runtime.ts';
import { createFaultInjector } from './faults.ts';
import type { FakeFaults, FaultControl } from './faults.ts';

/** The BotRuntime methods, as counted in `FakeRuntime.calls`. */
export type FakeMethod = 'observe' | 'list' | 'create' | 'start' | 'stop' | 'update' | 'destroy';

/** Options of the in-memory runtime; every fault is off unless given. */
export interface FakeRuntimeOptions extends Partial<FakeFaults> {
  /** Seed of the random source behind `errorRatio` and ranged latency (default 1). */
  seed?: number;
  /** A started instance reports `pending` for this long, then `running` (default 0). */
  startDelayMs?: number;
  /** Clock in epoch milliseconds, for `startDelayMs` and `lastExitAt` (default Date.now). */
  now?: () => number;
}

/** An in-memory BotRuntime with fault injection and counters, for tests and benchmarks. */
export interface FakeRuntime extends BotRuntime {
  readonly backend: 'fake';
  readonly faults: FaultControl;
  /** Calls per method, failed ones included. */
  readonly calls: Readonly<Record<FakeMethod, number>>;
  /** Instances ever created: with one bot per instance this proves no second machine. */
  readonly createdCount: number;
  /** Instances that exist now. */
  readonly size: number;
  /** Test hook: the bot's instance exits on its own with `exitCode`. */
  crash(botId: string, exitCode?: number): void;
  /** The options of the last `stop` that reached the bot's instance. */
  lastStop(botId: string): StopOptions | undefined;
  /** Zeroes `calls` (not `createdCount`). */
  resetCalls(): void;
}

interface FakeInstance {
  instanceId: string;
  configHash: string;
  generation: number;
  image: string;
  region: string | undefined;
  state: 'running' | 'stopped' | 'crashed';
  /** While `running`, reported as `pending` until this epoch millisecond. */
  readyAt: number;
  restarts: number;
  lastExitCode: number | null | undefined;
  lastExitAt: string | undefined;
  lastStop: StopOptions | undefined;
}

const METHODS: readonly FakeMethod[] = [
  'observe',
  'list',
  'create',
  'start',
  'stop',
  'update',
  'destroy',
];

/** An empty in-memory runtime. Zero latency adds no timers: calls settle in microtasks. */
export function createFakeRuntime(options: FakeRuntimeOptions = {}): FakeRuntime {
  const { seed = 1, startDelayMs = 0, now = Date.now, ...initialFaults } = options;
  const faults = createFaultInjector(initialFaults, seed);
  const instances = new Map<string, FakeInstance>();
  const calls = Object.fromEntries(METHODS.map((m) => [m, 0])) as Record<FakeMethod, number>;
  let createdCount = 0;

  const readyAt = (): number => (startDelayMs > 0 ? now() + startDelayMs : 0);

  const toObserved = (botId: string, instance: FakeInstance): ObservedInstance => {
    const pending =
      instance.state === 'running' && instance.readyAt > 0 && now() < instance.readyAt;
    return {
      botId,
      instanceId: instance.instanceId,
      state: pending ? 'pending' : instance.state,
      configHash: instance.configHash,
      generation: instance.generation,
      image: instance.image,
      region: instance.region,
      restarts: instance.restarts,
      lastExitCode: instance.lastExitCode,
      lastExitAt: instance.lastExitAt,
    };
  };

  const apply = (instance: FakeInstance, desired: DesiredInstance): void => {
    instance.configHash = desired.configHash;
    instance.generation = desired.generation;
    instance.image = desired.image;
    instance.region = desired.region;
  };

  const existing = (method: string, botId: string): FakeInstance => {
    const instance = instances.get(botId);
    if (!instance) throw new TransientError(`fake: ${method}: bot ${botId} has no instance`);
    return instance;
  };

  const create = (desired: DesiredInstance): ObservedInstance => {
    let instance = instances.get(desired.botId);
    if (!instance) {
      createdCount++;
      instance = {
        instanceId: `fake-${createdCount.toString(36)}`,
        configHash: desired.configHash,
        generation: desired.generation,
        image: desired.image,
        region: desired.region,
        state: 'running',
        readyAt: readyAt(),
        restarts: 0,
        lastExitCode: undefined,
        lastExitAt: undefined,
        lastStop: undefined,
      };
      instances.set(desired.botId, instance);
    }
    return toObserved(desired.botId, instance);
  };

  const runtime: FakeRuntime = {
    backend: 'fake',
    faults: faults.control,
    calls,
    get createdCount() {
      return createdCount;
    },
    get size() {
      return instances.size;
    },

    async observe(botId) {
      calls.observe++;
      await faults.before('observe');
      const instance = instances.get(botId);
      return instance ? toObserved(botId, instance) : null;
    },

    async list() {
      calls.list++;
      await faults.before('list');
      return [...instances].map(([botId, instance]) => toObserved(botId, instance));
    },

    async create(desired) {
      calls.create++;
      await faults.before('create');
      const observed = create(desired);
      faults.after('create');
      return observed;
    },

    async start(botId) {
      calls.start++;
      await faults.before('start');
      const instance = existing('start', botId);
      if (instance.state !== 'running') {
        instance.state = 'running';
        instance.readyAt = readyAt();
      }
      faults.after('start');
      return toObserved(botId, instance);
    },

    async stop(botId, stopOptions) {
      calls.stop++;
      await faults.before('stop');
      const instance = instances.get(botId);
      if (instance) {
        instance.lastStop = { ...stopOptions };
        instance.state = 'stopped';
      }
      faults.after('stop');
    },

    async update(desired) {
      calls.update++;
      await faults.before('update');
      const instance = instances.get(desired.botId);
      if (!instance) {
        const observed = create(desired);
        faults.after('update');
        return observed;
      }
      if (instance.configHash !== desired.configHash) {
        apply(instance, desired);
        // A restart with the new config; a stopped instance picks it up on its next start.
        if (instance.state !== 'stopped') {
          instance.state = 'running';
          instance.readyAt = readyAt();
        }
      }
      faults.after('update');
      return toObserved(desired.botId, instance);
    },

    async destroy(botId) {
      calls.destroy++;
      await faults.before('destroy');
      instances.delete(botId);
      faults.after('destroy');
    },

    crash(botId, exitCode = 1) {
      const instance = existing('crash', botId);
      instance.state = 'crashed';
      instance.restarts++;
      instance.lastExitCode = exitCode;
      instance.lastExitAt = new Date(now()).toISOString();
    },

    lastStop: (botId) => instances.get(botId)?.lastStop,

    resetCalls() {
      for (const method of METHODS) calls[method] = 0;
    },
  };
  return runtime;
}
