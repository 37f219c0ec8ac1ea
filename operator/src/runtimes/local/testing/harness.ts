import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuntimeUnderTest } from '../../runtime-contract.ts';
import { eventually } from '../../testing/eventually.ts';
import { createLocalRuntime } from '../local-runtime.ts';
import type { LocalRuntime, LocalRuntimeOptions } from '../local-runtime.ts';
import { killMarked, scanMarkedProcesses } from '../proc.ts';
import type { MarkedProcess } from '../proc.ts';
import { fixtureCommand } from './fixtures.ts';

/** A fresh state directory under the system temp directory. */
export function makeStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'hmmtrade-local-'));
}

/** Kills every process carrying the runtime's marker and removes its state directory. */
export async function killAndRemove(runtime: LocalRuntime): Promise<void> {
  await killMarked(await scanMarkedProcesses(runtime.runtimeId));
  await rm(runtime.stateDir, { recursive: true, force: true, maxRetries: 3 });
}

/** A local runtime on a fresh state directory running the fixtures, with its teardown. */
export function localRuntimeUnderTest(
  options: Partial<LocalRuntimeOptions> = {},
): RuntimeUnderTest & { runtime: LocalRuntime } {
  const runtime = createLocalRuntime({
    stateDir: makeStateDir(),
    command: fixtureCommand,
    destroyTimeoutSeconds: 2,
    ...options,
  });
  return { runtime, teardown: () => killAndRemove(runtime) };
}

/** The bot's live group leader(s), found by their markers. */
export async function botProcesses(runtime: LocalRuntime, botId: string): Promise<MarkedProcess[]> {
  return (await scanMarkedProcesses(runtime.runtimeId, botId)).filter((p) => p.leader);
}

/** The bot's one live process; fails unless there is exactly one. */
export async function onlyProcess(runtime: LocalRuntime, botId: string): Promise<MarkedProcess> {
  const found = await botProcesses(runtime, botId);
  if (found.length !== 1 || !found[0]) {
    throw new Error(`expected one process for ${botId}, found ${found.length}`);
  }
  return found[0];
}

/** Waits until the bot's log contains `text` (e.g. `ready` from a fixture). */
export function logContains(runtime: LocalRuntime, botId: string, text: string): Promise<void> {
  return eventually(async () => {
    const log = await readFile(runtime.logFile(botId), 'utf8').catch(() => '');
    if (!log.includes(text)) throw new Error(`log of ${botId} lacks ${JSON.stringify(text)}`);
  });
}

/**
 * Runs `operator-process.ts` in its own Node process to create `botId`, then SIGKILLs that
 * process: the operator dying at an arbitrary moment, with its bot left running.
 */
export async function createFromKilledOperator(stateDir: string, botId: string): Promise<string> {
  const script = fileURLToPath(new URL('./operator-process.ts', import.meta.url));
  const operator = spawn(process.execPath, [script, stateDir, botId], { stdio: 'pipe' });
  let output = '';
  operator.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let errors = '';
  operator.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise((resolve) => operator.once('exit', resolve));
  try {
    await eventually(
      () => {
        if (!output.includes('\n')) throw new Error(`operator has not created the bot: ${errors}`);
      },
      { timeoutMs: 15_000 },
    );
  } finally {
    operator.kill('SIGKILL');
    await exited;
  }
  return output;
}
