import type { MachineExecutor, RunExit } from './machine-executor.ts';
import {
  buildMachineEnv,
  exitEventRequest,
  resolveCommand,
  type StopOptions,
} from './machine-launch.ts';
import type { MachineProcessSlot, SimMachine, SimStore } from './sim-store.ts';

/** Restart attempts for `on-failure` when the config gives no `max_retries`. */
const DEFAULT_MAX_RETRIES = 10;

/** What the lifecycle drives. */
export interface LifecycleDeps {
  store: SimStore;
  executor: MachineExecutor;
  images: Readonly<Record<string, readonly string[]>>;
  baseEnv: Readonly<Record<string, string>>;
  /** Waits one lifecycle step (a few ms); rejects once the sim is shutting down. */
  step(): Promise<void>;
}

/**
 * Drives machines through Fly's states with real processes. Every method is called after the
 * route checked the action against the current state (decideAction); it moves the machine into
 * the transitional state at once (so the response and the next GET show it) and finishes in the
 * background. A newer operation on the same machine supersedes an older one at its next step.
 */
export interface MachineLifecycle {
  /** created → starting → started, for a machine created without skip_launch. */
  launchNew(m: SimMachine): void;
  /** created | stopped | failed → starting → started; suspended → started (resumed). */
  start(m: SimMachine): void;
  stop(m: SimMachine, options: StopOptions): void;
  suspend(m: SimMachine): void;
  restart(m: SimMachine, options: StopOptions): void;
  /** After the caller swapped in the new config: stop the old process, start the new one. */
  replace(m: SimMachine, options: { launch: boolean; stop: StopOptions }): void;
  destroy(m: SimMachine, force: boolean): void;
  signal(m: SimMachine, signal: NodeJS.Signals): void;
  /** Stops all background work and SIGKILLs every process. */
  shutdown(): Promise<void>;
}

/** A lifecycle over `deps`. */
export function createMachineLifecycle(deps: LifecycleDeps): MachineLifecycle {
  const { store, executor } = deps;
  let closed = false;

  const operate = (m: SimMachine, body: (alive: () => boolean) => Promise<void>): void => {
    const seq = ++m.opSeq;
    const alive = (): boolean => !closed && m.opSeq === seq;
    void body(alive).catch((error: unknown) => {
      if (!alive()) return;
      const reason = error instanceof Error ? error.message : String(error);
      store.record(
        m,
        { type: 'error', status: 'failed', source: 'flyd', request: { error: reason } },
        'failed',
      );
    });
  };

  const fail = (m: SimMachine, reason: string): void => {
    store.record(
      m,
      { type: 'launch', status: 'failed', source: 'flyd', request: { error: reason } },
      'failed',
    );
  };

  const spawnProcess = async (m: SimMachine, alive: () => boolean): Promise<void> => {
    const command = resolveCommand(m.config, deps.images);
    if (!command.ok) return fail(m, command.reason);
    const env = buildMachineEnv(m, deps.baseEnv);
    let slot: MachineProcessSlot;
    try {
      const run = await executor.launch({ app: m.app, machineId: m.id, argv: command.argv, env });
      slot = { run, expected: false, frozen: false };
    } catch (error) {
      if (alive()) fail(m, error instanceof Error ? error.message : String(error));
      return;
    }
    if (!alive()) {
      executor.signal(slot.run, 'SIGKILL');
      await slot.run.exited;
      return;
    }
    m.process = slot;
    m.lastEnv = { ...slot.run.env };
    void slot.run.exited.then((exit) => onExit(m, slot, exit));
    store.record(m, { type: 'start', status: 'started', source: 'flyd' }, 'started');
  };

  /** Stops the current process (SIGKILL when frozen: a stopped process cannot handle signals). */
  const stopProcess = async (m: SimMachine, options: StopOptions): Promise<RunExit | null> => {
    const slot = m.process;
    if (!slot) return null;
    slot.expected = true;
    const signal = slot.frozen ? 'SIGKILL' : options.signal;
    const exit = await executor.stop(slot.run, signal, options.timeoutMs);
    if (m.process === slot) m.process = null;
    return exit;
  };

  const recordExit = (m: SimMachine, exit: RunExit | null, restarting: boolean): void => {
    if (exit === null) return;
    const request = exitEventRequest(exit, { requestedStop: true, restarting });
    store.record(m, { type: 'exit', status: 'stopped', source: 'flyd', request });
  };

  /** The process ended without the sim asking: apply the restart policy. */
  const onExit = (m: SimMachine, slot: MachineProcessSlot, exit: RunExit): void => {
    if (closed || m.process !== slot || slot.expected) return;
    m.process = null;
    const policy = m.config.restart?.policy ?? 'on-failure';
    const maxRetries = m.config.restart?.max_retries ?? DEFAULT_MAX_RETRIES;
    const restarting =
      m.state === 'started' &&
      (policy === 'always' ||
        (policy === 'on-failure' && exit.exitCode !== 0 && m.restarts < maxRetries));
    const request = exitEventRequest(exit, { requestedStop: false, restarting });
    const exitEvent = { type: 'exit', status: 'stopped', source: 'flyd', request } as const;
    if (restarting) {
      store.record(m, exitEvent);
      store.record(m, { type: 'restart', status: 'starting', source: 'flyd' }, 'starting');
      m.restarts += 1;
      const backoffSteps = Math.min(m.restarts, 20);
      operate(m, async (alive) => {
        for (let i = 0; i < backoffSteps && alive(); i += 1) await deps.step();
        if (alive()) await spawnProcess(m, alive);
      });
      return;
    }
    if (m.state !== 'started' && m.state !== 'suspended') {
      store.record(m, exitEvent);
      return;
    }
    store.record(m, exitEvent, 'stopped');
    if (m.config.auto_destroy) lifecycle.destroy(m, false);
  };

  const lifecycle: MachineLifecycle = {
    launchNew(m) {
      operate(m, async (alive) => {
        await deps.step();
        if (!alive()) return;
        store.record(m, { type: 'start', status: 'starting', source: 'flyd' }, 'starting');
        await deps.step();
        if (alive()) await spawnProcess(m, alive);
      });
    },
    start(m) {
      m.restarts = 0;
      store.record(m, { type: 'start', status: 'starting', source: 'user' }, 'starting');
      operate(m, async (alive) => {
        await deps.step();
        if (!alive()) return;
        const slot = m.process;
        if (slot?.frozen) {
          await executor.resume(slot.run);
          slot.frozen = false;
          if (!alive()) return;
          const event = { type: 'start', status: 'started', source: 'flyd' } as const;
          store.record(m, { ...event, request: { resumed: true } }, 'started');
          return;
        }
        recordExit(m, await stopProcess(m, { signal: 'SIGKILL', timeoutMs: 0 }), true);
        if (alive()) await spawnProcess(m, alive);
      });
    },
    stop(m, options) {
      const request = { signal: options.signal, timeout_ms: options.timeoutMs };
      store.record(m, { type: 'stop', status: 'stopping', source: 'user', request }, 'stopping');
      operate(m, async (alive) => {
        const exit = await stopProcess(m, options);
        if (!alive()) return;
        recordExit(m, exit, false);
        await deps.step();
        if (!alive()) return;
        store.record(m, { type: 'stop', status: 'stopped', source: 'flyd' }, 'stopped');
        if (m.config.auto_destroy) lifecycle.destroy(m, false);
      });
    },
    suspend(m) {
      store.record(m, { type: 'suspend', status: 'suspending', source: 'user' }, 'suspending');
      operate(m, async (alive) => {
        await deps.step();
        if (!alive()) return;
        const slot = m.process;
        if (slot) {
          slot.frozen = true;
          await executor.pause(slot.run);
          if (!alive()) return;
        }
        store.record(m, { type: 'suspend', status: 'suspended', source: 'flyd' }, 'suspended');
      });
    },
    restart(m, options) {
      m.restarts = 0;
      const request = { signal: options.signal, timeout_ms: options.timeoutMs };
      store.record(m, { type: 'restart', status: 'stopping', source: 'user', request }, 'stopping');
      operate(m, async (alive) => {
        const exit = await stopProcess(m, options);
        if (!alive()) return;
        recordExit(m, exit, true);
        await deps.step();
        if (!alive()) return;
        store.record(m, { type: 'restart', status: 'starting', source: 'flyd' }, 'starting');
        await deps.step();
        if (alive()) await spawnProcess(m, alive);
      });
    },
    replace(m, { launch, stop }) {
      m.restarts = 0;
      store.record(m, { type: 'update', status: 'replacing', source: 'user' }, 'replacing');
      operate(m, async (alive) => {
        const exit = await stopProcess(m, stop);
        if (!alive()) return;
        recordExit(m, exit, launch);
        await deps.step();
        if (!alive()) return;
        if (launch) await spawnProcess(m, alive);
        else store.record(m, { type: 'update', status: 'stopped', source: 'flyd' }, 'stopped');
      });
    },
    destroy(m, force) {
      store.record(
        m,
        { type: 'destroy', status: 'destroying', source: 'user', request: { force } },
        'destroying',
      );
      m.lease = null;
      operate(m, async (alive) => {
        recordExit(m, await stopProcess(m, { signal: 'SIGKILL', timeoutMs: 0 }), false);
        await deps.step();
        if (alive())
          store.record(m, { type: 'destroy', status: 'destroyed', source: 'user' }, 'destroyed');
      });
    },
    signal(m, signal) {
      if (m.process) executor.signal(m.process.run, signal);
    },
    async shutdown() {
      closed = true;
      await executor.killAll();
    },
  };
  return lifecycle;
}
