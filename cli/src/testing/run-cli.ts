import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inheritedEnv } from '../config.ts';

const BIN = fileURLToPath(new URL('../../bin/hmmtrade.js', import.meta.url));

/** The result of a finished CLI run. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Which `hmmtrade` to run: the sources (default) or a bundle's entry point (cli/scripts/bundle.ts). */
export interface CliBinary {
  bin?: string;
}

/** Runs `hmmtrade …args` to completion on this Node (the pinned 24) with extra env. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  binary: CliBinary = {},
): Promise<CliResult> {
  const child = startCli(args, env, binary);
  return new Promise((resolve, reject) => {
    child.process.once('error', reject);
    child.process.once('exit', (code) =>
      resolve({ code, stdout: child.stdout(), stderr: child.stderr() }),
    );
  });
}

/** A CLI process still running, with its output so far. */
export interface RunningCli {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout match of `pattern`; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `hmmtrade …args` in the background. */
export function startCli(
  args: string[],
  env: Record<string, string> = {},
  binary: CliBinary = {},
): RunningCli {
  const child = spawn(process.execPath, [binary.bin ?? BIN, ...args], {
    env: { ...inheritedEnv(), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = stdout.match(pattern);
          if (match) {
            child.stdout.off('data', check);
            resolve(match);
          }
        };
        child.stdout.on('data', check);
        check();
        void exited.then((code) =>
          reject(new Error(`hmmtrade exited (${code}) before printing ${pattern}: ${stderr}`)),
        );
      }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
