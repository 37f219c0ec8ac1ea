import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** Environment variables that mark a process as a bot of one local runtime. */
export const BOT_ID_VAR = 'HMMTRADE_BOT_ID';
export const RUNTIME_ID_VAR = 'HMMTRADE_LOCAL_RUNTIME';
export const INSTANCE_ID_VAR = 'HMMTRADE_INSTANCE_ID';

/** The parts of /proc/<pid>/stat the runtime needs. */
export interface ProcStat {
  /** One-letter state; `Z` (zombie) and `X` (dead) count as exited. */
  state: string;
  pgid: number;
  /** Field 22: start time in clock ticks after boot. A reused pid has another one. */
  startTime: string;
}

/** A process as identified by pid and start time, the pair that defeats pid reuse. */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
}

/** A process found carrying a runtime's markers. */
export interface MarkedProcess extends ProcessIdentity {
  botId: string;
  instanceId: string | undefined;
  /** Whether it leads its own process group (an instance, not a child of one). */
  leader: boolean;
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null; // gone, or not ours to read
  }
}

/** Parses /proc/<pid>/stat; null when the process does not exist. */
export async function readProcStat(pid: number): Promise<ProcStat | null> {
  const text = await readOrNull(`/proc/${pid}/stat`);
  if (text === null) return null;
  // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, , pgid] = fields;
  const startTime = fields[22 - 3];
  if (state === undefined || pgid === undefined || startTime === undefined) return null;
  return { state, pgid: Number(pgid), startTime };
}

/** The process's initial environment, or null when it is gone or unreadable. */
export async function readEnviron(pid: number): Promise<Map<string, string> | null> {
  const text = await readOrNull(`/proc/${pid}/environ`);
  if (text === null) return null;
  const env = new Map<string, string>();
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

const exited = (stat: ProcStat | null): boolean =>
  stat === null || stat.state === 'Z' || stat.state === 'X';

/** Whether exactly this process (pid and start time) is still running. */
export async function isRunning(identity: ProcessIdentity): Promise<boolean> {
  const stat = await readProcStat(identity.pid);
  return !exited(stat) && stat?.startTime === identity.startTime;
}

/**
 * Whether this process is alive and is the bot's: same start time, and the runtime and bot
 * markers in its environment (so a reused pid is never taken for the bot).
 */
export async function isBotProcess(
  identity: ProcessIdentity,
  runtimeId: string,
  botId: string,
): Promise<boolean> {
  if (!(await isRunning(identity))) return false;
  const env = await readEnviron(identity.pid);
  return env?.get(RUNTIME_ID_VAR) === runtimeId && env.get(BOT_ID_VAR) === botId;
}

/**
 * Every live process carrying `runtimeId`'s marker (optionally only `botId`'s), found by
 * scanning /proc. Finds bots whatever the state directory says, so nothing leaks unseen.
 */
export async function scanMarkedProcesses(
  runtimeId: string,
  botId?: string,
): Promise<MarkedProcess[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const found = await Promise.all(
    pids.map(async (pid): Promise<MarkedProcess | null> => {
      const env = await readEnviron(pid);
      const owner = env?.get(BOT_ID_VAR);
      if (env?.get(RUNTIME_ID_VAR) !== runtimeId || owner === undefined) return null;
      if (botId !== undefined && owner !== botId) return null;
      const stat = await readProcStat(pid);
      if (stat === null || exited(stat)) return null;
      const instanceId = env.get(INSTANCE_ID_VAR);
      const leader = stat.pgid === pid;
      return { pid, startTime: stat.startTime, botId: owner, instanceId, leader };
    }),
  );
  return found.filter((p): p is MarkedProcess => p !== null);
}

/** Signals a process group; false when there is none left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Polls until the process has exited or `timeoutMs` passed; true when it exited. */
export async function waitForExit(identity: ProcessIdentity, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    if (!(await isRunning(identity))) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
  }
}

/**
 * Stops a process group: `signal`, up to `timeoutMs` for the leader to exit, then SIGKILL to the
 * group. Only call it for a verified bot process (`isBotProcess`). False when even SIGKILL did
 * not end it within a few seconds.
 */
export async function stopGroup(
  identity: ProcessIdentity,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<boolean> {
  if (!signalGroup(identity.pid, signal)) return true;
  if (await waitForExit(identity, timeoutMs)) return true;
  signalGroup(identity.pid, 'SIGKILL');
  return waitForExit(identity, 5_000);
}

/** SIGKILLs marked processes found by a scan just now (groups for leaders), and waits. */
export async function killMarked(processes: readonly MarkedProcess[]): Promise<void> {
  for (const found of processes) {
    try {
      process.kill(found.leader ? -found.pid : found.pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  await Promise.all(processes.map((found) => waitForExit(found, 5_000)));
}
