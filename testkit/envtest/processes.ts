import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

const keptLines = 40;

/** A child process whose output is kept (last lines only) and that stops on request. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Exit code or signal once it has exited, undefined while it runs. */
  exitStatus(): string | undefined;
  /** The last lines it wrote to stdout and stderr, for error messages. */
  lastLines(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL without waiting: for process exit handlers, where nothing async runs. */
  killNow(): void;
}

/** Starts `bin` with `args`; throws if it cannot be spawned at all (e.g. not executable). */
export async function startProcess(
  name: string,
  bin: string,
  args: string[],
): Promise<ManagedProcess> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) =>
      reject(new Error(`cannot start ${name} (${bin}): ${error.message}`)),
    );
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > keptLines) lines.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let status: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      status = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
      resolve();
    });
  });
  return {
    name,
    pid: child.pid ?? -1,
    exitStatus: () => status,
    lastLines: () => lines.join('\n'),
    stop: (graceMs = 10_000) => stopChild(child, exited, graceMs),
    killNow: () => {
      if (status === undefined) child.kill('SIGKILL');
    },
  };
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<void>,
  graceMs: number,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const result = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}
