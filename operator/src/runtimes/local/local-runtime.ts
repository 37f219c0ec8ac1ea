import { randomBytes } from 'node:crypto';
import { TransientError } from '../../reconcile/errors.ts';
import type { BotRuntime, DesiredInstance, ObservedInstance, StopOptions } from '../runtime.ts';
import { leakedInstance, observedInstance, readBotView, settledRecord } from './bot-view.ts';
import type { BotView } from './bot-view.ts';
import { createKeyedLock } from '../keyed-lock.ts';
import { BOT_ID_VAR, INSTANCE_ID_VAR, RUNTIME_ID_VAR } from './proc.ts';
import { killMarked, scanMarkedProcesses, stopGroup } from './proc.ts';
import type { ProcessIdentity } from './proc.ts';
import { exitCode, spawnDetached } from './spawn.ts';
import type { Spawned } from './spawn.ts';
import { openStateStore } from './state-store.ts';
import type { LocalRecord } from './state-store.ts';

/** The logging the local runtime does (a pino logger fits). */
export interface LocalRuntimeLogger {
  warn(fields: object, message: string): void;
}

/** Options of the process-per-bot runtime. */
export interface LocalRuntimeOptions {
  /** Records, pending markers and logs; its stable id marks the processes it owns. */
  stateDir: string;
  /** What each bot runs, e.g. `['node', 'bot.js']`; a function may pick by desired instance. */
  command: readonly string[] | ((desired: DesiredInstance) => readonly string[]);
  /** Under every bot's env, e.g. `{ PATH }` (also where `command[0]` is looked up). */
  baseEnv?: Readonly<Record<string, string>>;
  /** Working directory of bot processes (default: the operator's). */
  cwd?: string;
  /** How long `destroy` waits after SIGTERM before SIGKILL (default 5 s). */
  destroyTimeoutSeconds?: number;
  now?: () => Date;
  logger?: LocalRuntimeLogger;
}

/** BotRuntime running each bot as a detached child process that survives the operator. */
export interface LocalRuntime extends BotRuntime {
  readonly backend: 'local';
  /** The `HMMTRADE_LOCAL_RUNTIME` marker of this state directory. */
  readonly runtimeId: string;
  readonly stateDir: string;
  /** Where the bot's stdout and stderr go (removed by `destroy`). */
  logFile(botId: string): string;
}

// Module-wide, keyed by state directory and bot: two runtimes on one state directory in one
// process share it.
const stateDirLock = createKeyedLock();

/**
 * A runtime on `stateDir`, adopting whatever bot processes a previous runtime there left running.
 * It never restarts a crashed bot by itself: it reports `crashed`, and the reconciler starts it.
 */
export function createLocalRuntime(options: LocalRuntimeOptions): LocalRuntime {
  const store = openStateStore(options.stateDir);
  const { runtimeId } = store;
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? { warn: () => undefined };
  const destroyStop: StopOptions = {
    signal: 'SIGTERM',
    timeoutSeconds: options.destroyTimeoutSeconds ?? 5,
  };
  const commandFor = (desired: DesiredInstance): readonly string[] =>
    typeof options.command === 'function' ? options.command(desired) : options.command;
  const markers = (botId: string, instanceId: string): Record<string, string> => ({
    [BOT_ID_VAR]: botId,
    [RUNTIME_ID_VAR]: runtimeId,
    [INSTANCE_ID_VAR]: instanceId,
  });
  const locked = <T>(botId: string, fn: () => Promise<T>): Promise<T> =>
    stateDirLock.run(`${store.stateDir}\0${botId}`, fn);

  const view = (botId: string): Promise<BotView> => readBotView(store, botId);

  /** The view with adoptions and unseen exits written down and a stale pending marker gone. */
  async function settle(
    botId: string,
  ): Promise<{ record: LocalRecord | null; live: ProcessIdentity | null }> {
    const current = await view(botId);
    const record = settledRecord(current, now());
    if (record && record !== current.record) await store.writeRecord(record);
    if (current.pending) await store.removePending(botId);
    return { record, live: current.live };
  }

  async function stopProcess(live: ProcessIdentity, stop: StopOptions): Promise<void> {
    if (!(await stopGroup(live, stop.signal, stop.timeoutSeconds * 1000))) {
      throw new TransientError(`local: process ${live.pid} survived SIGKILL`);
    }
  }

  /** Spawns the bot's process and records it; never while another process of the bot lives. */
  async function spawnRecorded(record: LocalRecord): Promise<LocalRecord> {
    const { botId, instanceId, desired } = record;
    const strays = await scanMarkedProcesses(runtimeId, botId);
    if (strays.length > 0) {
      logger.warn({ bot_id: botId, pids: strays.map((p) => p.pid) }, 'local: killing strays');
      await killMarked(strays);
    }
    await store.writePending(botId, { instanceId, desired, at: now().toISOString() });
    const env = { ...options.baseEnv, ...desired.env, ...markers(botId, instanceId) };
    const request = { command: commandFor(desired), env, logFile: store.logFile(botId) };
    let spawned: Spawned;
    try {
      spawned = await spawnDetached({ ...request, cwd: options.cwd });
    } catch (error) {
      await store.removePending(botId); // nothing was started
      throw new TransientError(`local: start bot ${botId}`, { cause: error });
    }
    const { pid, startTime } = spawned;
    const next: LocalRecord = { ...record, desiredState: 'running', pid, startTime };
    delete next.stopDeadline;
    await store.writeRecord(next);
    await store.removePending(botId);
    spawned.child.once('exit', (code, signal) => {
      recordExit(botId, { pid, startTime }, exitCode(code, signal)).catch((error: unknown) =>
        logger.warn({ bot_id: botId, err: error }, 'local: recording an exit failed'),
      );
    });
    return next;
  }

  /** As the parent, writes down an exit the bot made on its own, with its code. */
  function recordExit(
    botId: string,
    exited: { pid: number; startTime: string | null },
    code: number,
  ) {
    return locked(botId, async () => {
      const record = await store.readRecord(botId);
      if (record?.pid !== exited.pid || record.startTime !== exited.startTime) return;
      if (record.desiredState !== 'running') return;
      await store.writeRecord({
        ...record,
        pid: null,
        startTime: null,
        restarts: record.restarts + 1,
        lastExitCode: code,
        lastExitAt: now().toISOString(),
      });
    });
  }

  /** Records `stopped` (so the exit is not a crash), then stops the process. */
  async function stopRecorded(
    record: LocalRecord,
    live: ProcessIdentity | null,
    stop: StopOptions,
  ) {
    const stopDeadline = new Date(now().getTime() + stop.timeoutSeconds * 1000).toISOString();
    const stopping: LocalRecord = { ...record, desiredState: 'stopped', stopDeadline };
    await store.writeRecord(stopping);
    if (live) await stopProcess(live, stop);
    const stopped: LocalRecord = { ...stopping, pid: null, startTime: null };
    await store.writeRecord(stopped);
    const stragglers = await scanMarkedProcesses(runtimeId, record.botId);
    if (stragglers.length > 0) await killMarked(stragglers);
    return stopped;
  }

  const observeNow = async (botId: string): Promise<ObservedInstance> => {
    const seen = observedInstance(await view(botId), now());
    if (!seen) throw new TransientError(`local: bot ${botId} vanished`);
    return seen;
  };

  async function create(desired: DesiredInstance): Promise<ObservedInstance> {
    const { botId } = desired;
    const pending = await store.readPending(botId);
    const { record } = await settle(botId);
    if (record) return observeNow(botId);
    await spawnRecorded({
      version: 1,
      botId,
      instanceId: pending?.instanceId ?? `local-${randomBytes(6).toString('hex')}`,
      desired,
      desiredState: 'running',
      pid: null,
      startTime: null,
      restarts: 0,
    });
    return observeNow(botId);
  }

  return {
    backend: 'local',
    runtimeId,
    stateDir: store.stateDir,
    logFile: (botId) => store.logFile(botId),

    async observe(botId) {
      return observedInstance(await view(botId), now());
    },

    async list() {
      const botIds = await store.listBotIds();
      const known = new Set(botIds);
      const views = await Promise.all(botIds.map(view));
      const instances = views.map((v) => observedInstance(v, now()));
      const marked = await scanMarkedProcesses(runtimeId);
      const leaked = marked.filter((p) => p.leader && !known.has(p.botId)).map(leakedInstance);
      return [...instances.filter((i): i is ObservedInstance => i !== null), ...leaked];
    },

    create: (desired) => locked(desired.botId, () => create(desired)),

    start: (botId) =>
      locked(botId, async () => {
        const { record, live } = await settle(botId);
        if (!record) throw new TransientError(`local: start: bot ${botId} has no instance`);
        if (live) {
          if (record.desiredState === 'stopped') {
            const { stopDeadline: _, ...running } = record;
            await store.writeRecord({ ...running, desiredState: 'running' });
          }
        } else {
          await spawnRecorded(record);
        }
        return observeNow(botId);
      }),

    stop: (botId, stop) =>
      locked(botId, async () => {
        const { record, live } = await settle(botId);
        if (record?.desiredState === 'stopped' && !live) return;
        if (record) {
          await stopRecorded(record, live, stop);
          return;
        }
        const strays = (await scanMarkedProcesses(runtimeId, botId)).filter((p) => p.leader);
        for (const stray of strays) await stopProcess(stray, stop);
      }),

    update: (desired) =>
      locked(desired.botId, async () => {
        const { botId } = desired;
        const { record, live } = await settle(botId);
        if (!record) return create(desired);
        if (record.desired.configHash === desired.configHash) return observeNow(botId);
        if (record.desiredState === 'stopped') {
          await store.writeRecord({ ...record, desired });
          return observeNow(botId);
        }
        const stopped = await stopRecorded(record, live, record.desired.stop);
        await spawnRecorded({ ...stopped, desired });
        return observeNow(botId);
      }),

    destroy: (botId) =>
      locked(botId, async () => {
        const { live } = await view(botId);
        if (live) await stopProcess(live, destroyStop);
        const remaining = await scanMarkedProcesses(runtimeId, botId);
        if (remaining.length > 0) await killMarked(remaining);
        await store.removeBot(botId);
      }),
  };
}
