import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How a machine's process ended; `exitCode` is the shell's view (128 + signal for a kill). */
export interface RunExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  exitCode: number;
  at: number;
}

/** A machine's process: the leader of its own process group. */
export interface MachineRun {
  readonly pid: number;
  readonly env: Readonly<Record<string, string>>;
  /** Resolves once the leader has exited (and the rest of its group was killed). */
  readonly exited: Promise<RunExit>;
}

/** What to start for one machine. */
export interface LaunchRequest {
  app: string;
  machineId: string;
  argv: readonly string[];
  env: Readonly<Record<string, string>>;
}

/** Runs machine "images" as local processes and captures their output. */
export interface MachineExecutor {
  /**
   * Starts the process in a fresh scratch root (its cwd, like an ephemeral rootfs), output
   * appended to the machine's log. Rejects when the command cannot be started.
   */
  launch(request: LaunchRequest): Promise<MachineRun>;
  /** Sends `signal` to the whole process group; a group already gone is not an error. */
  signal(run: MachineRun, signal: NodeJS.Signals): void;
  /** SIGSTOPs the group and resolves once the leader shows as stopped (Linux /proc). */
  pause(run: MachineRun): Promise<void>;
  /** SIGCONTs the group and resolves once the leader no longer shows as stopped. */
  resume(run: MachineRun): Promise<void>;
  /** Sends `signal`, then SIGKILL after `timeoutMs` if the leader has not exited. */
  stop(run: MachineRun, signal: NodeJS.Signals, timeoutMs: number): Promise<RunExit>;
  /** The machine's captured stdout+stderr so far ('' when it never ran). */
  output(app: string, machineId: string): string;
  /** SIGKILLs every process still running and waits for them to exit. */
  killAll(): Promise<void>;
}

/** An executor writing under `stateDir/<app>/<machine id>/` (output.log, root/). */
export function createMachineExecutor(stateDir: string): MachineExecutor {
  const running = new Set<MachineRun>();
  const machineDir = (app: string, id: string): string => join(stateDir, app, id);

  const signalGroup = (run: MachineRun, signal: NodeJS.Signals): void => {
    try {
      process.kill(-run.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };

  return {
    async launch({ app, machineId, argv, env }) {
      const [file, ...args] = argv;
      if (file === undefined) throw new Error('the image has an empty command');
      const dir = machineDir(app, machineId);
      const root = join(dir, 'root');
      rmSync(root, { recursive: true, force: true });
      mkdirSync(root, { recursive: true });
      const log = openSync(join(dir, 'output.log'), 'a', 0o600);
      const fullEnv = { HOME: root, ...env };
      let child: ChildProcess;
      try {
        child = spawn(file, args, {
          detached: true,
          stdio: ['ignore', log, log],
          env: fullEnv,
          cwd: root,
        });
      } finally {
        closeSync(log);
      }
      const { pid } = child;
      if (pid === undefined) {
        const error = await new Promise<unknown>((resolve) => child.once('error', resolve));
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`cannot start ${file}: ${reason}`, { cause: error });
      }
      const exited = new Promise<RunExit>((resolve) => {
        child.once('exit', (code, signal) => {
          // The leader is gone; nothing else of the "VM" may outlive it.
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            // The group is already empty.
          }
          running.delete(run);
          const exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
          resolve({ code, signal, exitCode, at: Date.now() });
        });
      });
      const run: MachineRun = { pid, env: fullEnv, exited };
      running.add(run);
      return run;
    },
    signal: signalGroup,
    async pause(run) {
      signalGroup(run, 'SIGSTOP');
      // Delivery is asynchronous: a suspended machine must really be frozen when reported so.
      for (let i = 0; i < 200 && !(await isStopped(run.pid, true)); i += 1) await sleep(5);
    },
    async resume(run) {
      signalGroup(run, 'SIGCONT');
      for (let i = 0; i < 200 && (await isStopped(run.pid, false)); i += 1) await sleep(5);
    },
    async stop(run, signal, timeoutMs) {
      signalGroup(run, signal);
      if (signal === 'SIGKILL') return run.exited;
      let timer: NodeJS.Timeout | undefined;
      const escalate = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      const first = await Promise.race([run.exited, escalate.then(() => null)]);
      clearTimeout(timer);
      if (first !== null) return first;
      signalGroup(run, 'SIGKILL');
      return run.exited;
    },
    output(app, machineId) {
      try {
        return readFileSync(join(machineDir(app, machineId), 'output.log'), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
        throw error;
      }
    },
    async killAll() {
      const runs = [...running];
      for (const run of runs) signalGroup(run, 'SIGKILL');
      await Promise.all(runs.map((run) => run.exited));
    },
  };
}

/** Whether `pid` is stopped by a signal (state T); `unknown` when /proc cannot tell. */
async function isStopped(pid: number, unknown: boolean): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'T' || state === 't';
  } catch {
    return unknown;
  }
}
