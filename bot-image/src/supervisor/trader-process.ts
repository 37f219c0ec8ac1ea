import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { createLineSplitter } from './line-splitter.ts';
import { MAX_LINE_CHARS } from './trader-events.ts';

/** How the trader ended: its exit code, the signal that killed it, or why it never started. */
export interface TraderExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the command could not be started (e.g. ENOENT). */
  error?: Error;
}

/** A running trader; see startTrader. */
export interface TraderProcess {
  readonly pid: number | undefined;
  /** Resolves once it exited and both output streams were read to the end. */
  readonly exited: Promise<TraderExit>;
  /** Sends a signal to the trader itself; false when it is already gone. */
  signal(signal: NodeJS.Signals): boolean;
}

export interface TraderOptions {
  command: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** Each line of the trader's stdout or stderr, in the order read. */
  onLine(stream: 'stdout' | 'stderr', line: string): void;
  /** How long to wait for output to end after the exit (a grandchild may hold it); 2 s. */
  outputGraceMs?: number;
}

/**
 * Spawns the trader with its stdout and stderr piped and split into lines (each at most
 * MAX_LINE_CHARS), stdin closed. It stays in the supervisor's process group, so a group signal
 * (Ctrl-C in a terminal, the local runtime's stop) reaches it directly as well as forwarded.
 */
export function startTrader(options: TraderOptions): TraderProcess {
  const [file, ...args] = options.command;
  if (file === undefined) throw new Error('the trader command is empty');
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const pipe = (stream: Readable, name: 'stdout' | 'stderr') => {
    const splitter = createLineSplitter((line) => options.onLine(name, line), MAX_LINE_CHARS);
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    stream.on('error', () => undefined);
    return new Promise<void>((resolve) => {
      stream.once('close', () => {
        splitter.end();
        resolve();
      });
    });
  };
  const outputs = Promise.all([pipe(child.stdout, 'stdout'), pipe(child.stderr, 'stderr')]);

  const exited = new Promise<TraderExit>((resolve) => {
    child.once('error', (error) => {
      // Only a failed spawn lands here before 'exit'; a later error (failed kill) is ignored.
      if (child.pid === undefined) resolve({ code: null, signal: null, error });
    });
    child.once('exit', (code, signal) => {
      const grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, options.outputGraceMs ?? 2_000);
      void outputs.then(() => {
        clearTimeout(grace);
        resolve({ code, signal });
      });
    });
  });

  return {
    pid: child.pid,
    exited,
    signal(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return false;
      try {
        return child.kill(signal);
      } catch {
        return false;
      }
    },
  };
}

/** The exit status to report for a trader: its code, 128 + signal number, or 127 (not started). */
export function exitStatus(exit: TraderExit): number {
  if (exit.error) return 127;
  if (exit.signal) return 128 + (constants.signals[exit.signal] ?? 0);
  return exit.code ?? 1;
}
