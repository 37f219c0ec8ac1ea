import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { desiredInstance } from '../testing/desired-instance.ts';
import { eventually } from '../testing/eventually.ts';
import type { LocalRuntime, LocalRuntimeOptions } from './local-runtime.ts';
import { isRunning, readEnviron } from './proc.ts';
import { FIXTURE_IMAGES } from './testing/fixtures.ts';
import { localRuntimeUnderTest, logContains, onlyProcess } from './testing/harness.ts';

const teardowns: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(teardowns.splice(0).map((teardown) => teardown()));
});

function newRuntime(options: Partial<LocalRuntimeOptions> = {}): LocalRuntime {
  const made = localRuntimeUnderTest(options);
  teardowns.push(made.teardown);
  return made.runtime;
}

async function startFixture(runtime: LocalRuntime, botId: string, image: string) {
  await runtime.create(desiredInstance(botId, { image }));
  await logContains(runtime, botId, 'ready');
  return onlyProcess(runtime, botId);
}

describe('local runtime processes', () => {
  it('escalates to SIGKILL when the process ignores the stop signal', async () => {
    const runtime = newRuntime();
    const stubborn = await startFixture(runtime, 'bot-a', FIXTURE_IMAGES.stubborn);
    await runtime.stop('bot-a', { signal: 'SIGTERM', timeoutSeconds: 1 });
    expect(await isRunning(stubborn)).toBe(false);
    expect((await runtime.observe('bot-a'))?.state).toBe('stopped');
  });

  it('delivers the requested stop signal, and the process exits on it', async () => {
    const runtime = newRuntime();
    const recorder = await startFixture(runtime, 'bot-a', FIXTURE_IMAGES.recorder);
    await runtime.stop('bot-a', { signal: 'SIGINT', timeoutSeconds: 10 });
    expect(await isRunning(recorder)).toBe(false);
    expect(await readFile(runtime.logFile('bot-a'), 'utf8')).toContain('received SIGINT');
    expect(await runtime.observe('bot-a')).toMatchObject({ state: 'stopped', restarts: 0 });
  });

  it('reports a crash with its exit code; start runs it again and counts nothing extra', async () => {
    const at = new Date('2026-03-04T05:06:07.000Z');
    const runtime = newRuntime({ now: () => at });
    const created = await runtime.create(
      desiredInstance('bot-a', { image: FIXTURE_IMAGES.crasher }),
    );
    await logContains(runtime, 'bot-a', 'ready');
    process.kill((await onlyProcess(runtime, 'bot-a')).pid, 'SIGUSR2');
    const crashed = await eventually(async () => {
      const seen = await runtime.observe('bot-a');
      expect(seen).toMatchObject({ state: 'crashed', lastExitCode: 7 });
      return seen;
    });
    expect(crashed).toMatchObject({ restarts: 1, lastExitAt: at.toISOString() });
    expect(crashed?.instanceId).toBe(created.instanceId);

    const started = await runtime.start('bot-a');
    expect(started).toMatchObject({ state: 'running', restarts: 1, lastExitCode: 7 });
    expect(started.instanceId).toBe(created.instanceId);
    await onlyProcess(runtime, 'bot-a');
  });

  it('reports death by a signal as 128 + the signal number', async () => {
    const runtime = newRuntime();
    const sleeper = await startFixture(runtime, 'bot-a', FIXTURE_IMAGES.sleeper);
    process.kill(sleeper.pid, 'SIGKILL');
    await eventually(async () => {
      expect(await runtime.observe('bot-a')).toMatchObject({
        state: 'crashed',
        restarts: 1,
        lastExitCode: 137,
      });
    });
  });

  it('gives the process its env and the ownership markers', async () => {
    const runtime = newRuntime({ baseEnv: { PATH: '/usr/bin:/bin', SHARED: 'base' } });
    const created = await runtime.create(desiredInstance('bot-a', { env: { SHARED: 'bot' } }));
    const env = await readEnviron((await onlyProcess(runtime, 'bot-a')).pid);
    expect(Object.fromEntries(env ?? [])).toMatchObject({
      PATH: '/usr/bin:/bin',
      SHARED: 'bot',
      HMMTRADE_BOT_ID: 'bot-a',
      HMMTRADE_LOCAL_RUNTIME: runtime.runtimeId,
      HMMTRADE_INSTANCE_ID: created.instanceId,
    });
  });

  it('update respawns with the new env under the same instance id', async () => {
    const runtime = newRuntime();
    const created = await runtime.create(desiredInstance('bot-a', { env: { V: '1' } }));
    const before = await onlyProcess(runtime, 'bot-a');
    await runtime.update(desiredInstance('bot-a', { env: { V: '2' }, configHash: 'v2' }));
    const after = await onlyProcess(runtime, 'bot-a');
    expect(after.pid).not.toBe(before.pid);
    expect(await isRunning(before)).toBe(false);
    expect((await readEnviron(after.pid))?.get('V')).toBe('2');
    expect(await runtime.observe('bot-a')).toMatchObject({
      instanceId: created.instanceId,
      state: 'running',
      configHash: 'v2',
      restarts: 0,
    });
  });

  it('update of a stopped instance records the config and leaves it stopped', async () => {
    const runtime = newRuntime();
    await runtime.create(desiredInstance('bot-a', { env: { V: '1' } }));
    await runtime.stop('bot-a', { signal: 'SIGTERM', timeoutSeconds: 5 });
    await runtime.update(desiredInstance('bot-a', { env: { V: '2' }, configHash: 'v2' }));
    expect(await runtime.observe('bot-a')).toMatchObject({ state: 'stopped', configHash: 'v2' });
    await runtime.start('bot-a');
    expect((await readEnviron((await onlyProcess(runtime, 'bot-a')).pid))?.get('V')).toBe('2');
  });

  it('update of a crashed instance runs the new config', async () => {
    const runtime = newRuntime();
    const sleeper = await startFixture(runtime, 'bot-a', FIXTURE_IMAGES.sleeper);
    process.kill(sleeper.pid, 'SIGKILL');
    await eventually(async () => expect((await runtime.observe('bot-a'))?.state).toBe('crashed'));
    await runtime.update(desiredInstance('bot-a', { configHash: 'v2' }));
    expect(await runtime.observe('bot-a')).toMatchObject({
      state: 'running',
      configHash: 'v2',
      restarts: 1,
    });
  });

  it('start of a bot without an instance fails as transient; update creates it', async () => {
    const runtime = newRuntime();
    await expect(runtime.start('bot-a')).rejects.toMatchObject({ kind: 'transient' });
    expect((await runtime.update(desiredInstance('bot-a'))).state).toBe('running');
    await onlyProcess(runtime, 'bot-a');
  });

  it('a start failure is transient and spawns nothing', async () => {
    const runtime = newRuntime({ command: ['/nonexistent/hmmtrade-bot'] });
    await expect(runtime.create(desiredInstance('bot-a'))).rejects.toMatchObject({
      kind: 'transient',
    });
    expect(await runtime.observe('bot-a')).toBeNull();
  });
});
