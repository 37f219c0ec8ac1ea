import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import { readProcStat } from './proc.ts';

/** How to start one bot process. */
export interface SpawnRequest {
  command: readonly string[];
  env: Readonly<Record<string, string>>;
  logFile: string;
  cwd?: string | undefined;
}

/** A started process; `startTime` is null when it was gone before it could be read. */
export interface Spawned {
  child: ChildProcess;
  pid: number;
  startTime: string | null;
}

/**
 * Starts a process that outlives the operator: detached into its own process group (pgid = pid),
 * stdout and stderr appended to its log file, not holding the operator's event loop open.
 */
export async function spawnDetached(request: SpawnRequest): Promise<Spawned> {
  const [file, ...args] = request.command;
  if (file === undefined) throw new Error('local runtime: empty command');
  const log = openSync(request.logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      detached: true,
      stdio: ['ignore', log, log],
      env: request.env,
      cwd: request.cwd,
    });
  } finally {
    closeSync(log);
  }
  const { pid } = child;
  if (pid === undefined) {
    const error = await new Promise<unknown>((resolve) => child.once('error', resolve));
    throw new Error(`local runtime: spawn ${file}`, { cause: error });
  }
  child.unref();
  const stat = await readProcStat(pid);
  return { child, pid, startTime: stat?.startTime ?? null };
}

/** The exit code, or 128 + the signal number for a death by signal, as a shell reports it. */
export function exitCode(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? 128 + (signal ? constants.signals[signal] : 0);
}
