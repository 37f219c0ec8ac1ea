import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSupervisorConfig, type SupervisorConfig } from '../config.ts';
import { runSupervisor } from '../supervisor.ts';
import type { SupervisorDeps } from '../supervisor-deps.ts';
import { afterEach } from 'vitest';
import { STUB_BOT_ID, STUB_MACHINE_TOKEN, startApiStub, type ApiStub } from './api-stub.ts';

/** One supervisor run in-process, its output captured and its signals injectable. */
export interface SupervisorRun {
  readonly config: SupervisorConfig;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with runSupervisor's exit status. */
  readonly done: Promise<number>;
  /** Delivers a signal as `process` would. */
  signal(signal: 'SIGTERM' | 'SIGINT'): void;
}

/** For vi.waitFor: generous, since the machine is shared; nothing here asserts durations. */
export const LONG = { timeout: 15_000, interval: 20 };

/**
 * The per-test setup of a supervisor test file: `setup()` starts an API stub and makes a work
 * directory, both removed after the test.
 */
export function useSupervisorSetup(): () => Promise<{ stub: ApiStub; workDir: string }> {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return async () => {
    const stub = await startApiStub();
    const work = await makeWorkDir();
    cleanups.push(() => stub.close(), work.cleanup);
    return { stub, workDir: work.dir };
  };
}

/** A temporary work directory, removed by `cleanup`. */
export async function makeWorkDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hmmtrade-supervisor-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Starts runSupervisor against `apiUrl` with `env` on top of test defaults (fast heartbeat,
 * 5 s stop timeout, millisecond backoff, the stub's bot id and machine token).
 */
export function startSupervisor(options: {
  apiUrl: string;
  workDir: string;
  traderCommand: string;
  env?: Record<string, string>;
  deps?: SupervisorDeps;
}): SupervisorRun {
  const config = loadSupervisorConfig({
    BOT_ID: STUB_BOT_ID,
    HMMTRADE_API_URL: options.apiUrl,
    HMMTRADE_MACHINE_TOKEN: STUB_MACHINE_TOKEN,
    TRADER_COMMAND: options.traderCommand,
    BOT_WORK_DIR: options.workDir,
    STOP_TIMEOUT_SECONDS: '5',
    HEARTBEAT_SECONDS: '0.1',
    ...options.env,
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const signals = new EventEmitter();
  const done = runSupervisor(config, {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    signals,
    backoff: { initialMs: 20, maxMs: 200 },
    spoolFlushIntervalMs: 20,
    ...options.deps,
  });
  return {
    config,
    stdout,
    stderr,
    done,
    signal: (signal) => {
      signals.emit(signal, signal);
    },
  };
}
