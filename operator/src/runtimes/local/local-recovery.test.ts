import { afterEach, describe, expect, it } from 'vitest';
import type { ObservedInstance } from '../runtime.ts';
import { desiredInstance } from '../testing/desired-instance.ts';
import { eventually } from '../testing/eventually.ts';
import { createLocalRuntime } from './local-runtime.ts';
import type { LocalRuntime } from './local-runtime.ts';
import { BOT_ID_VAR, INSTANCE_ID_VAR, isRunning, readProcStat, RUNTIME_ID_VAR } from './proc.ts';
import { spawnDetached } from './spawn.ts';
import { openStateStore } from './state-store.ts';
import { fixtureCommand, FIXTURE_IMAGES } from './testing/fixtures.ts';
import {
  botProcesses,
  createFromKilledOperator,
  killAndRemove,
  localRuntimeUnderTest,
  makeStateDir,
  onlyProcess,
} from './testing/harness.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function runtimeOn(stateDir: string): LocalRuntime {
  const runtime = createLocalRuntime({ stateDir, command: fixtureCommand });
  cleanups.push(() => killAndRemove(runtime));
  return runtime;
}

/** A bot process started behind the runtime's back, carrying its markers. */
async function spawnMarked(runtime: LocalRuntime, botId: string, instanceId: string) {
  const spawned = await spawnDetached({
    command: fixtureCommand({ image: FIXTURE_IMAGES.sleeper }),
    env: {
      [BOT_ID_VAR]: botId,
      [RUNTIME_ID_VAR]: runtime.runtimeId,
      [INSTANCE_ID_VAR]: instanceId,
    },
    logFile: '/dev/null',
  });
  return spawned.pid;
}

describe('local runtime recovery', () => {
  it('a second runtime on the same state directory adopts the process', async () => {
    const first = localRuntimeUnderTest();
    cleanups.push(first.teardown);
    const created = await first.runtime.create(desiredInstance('bot-a'));
    const original = await onlyProcess(first.runtime, 'bot-a');

    const second = runtimeOn(first.runtime.stateDir);
    expect(second.runtimeId).toBe(first.runtime.runtimeId);
    expect(await second.observe('bot-a')).toEqual(await first.runtime.observe('bot-a'));
    expect((await second.create(desiredInstance('bot-a'))).instanceId).toBe(created.instanceId);
    expect((await second.start('bot-a')).instanceId).toBe(created.instanceId);
    expect((await onlyProcess(second, 'bot-a')).pid).toBe(original.pid);
    expect(await second.list()).toHaveLength(1);
  });

  it('bots survive the operator being killed and are re-adopted without a duplicate', async () => {
    const stateDir = makeStateDir();
    const output = await createFromKilledOperator(stateDir, 'bot-a');
    const created = JSON.parse(output) as ObservedInstance;
    const runtime = runtimeOn(stateDir);
    const survivor = await onlyProcess(runtime, 'bot-a');
    expect(await isRunning(survivor)).toBe(true);

    expect(await runtime.observe('bot-a')).toMatchObject({
      instanceId: created.instanceId,
      state: 'running',
    });
    await runtime.create(desiredInstance('bot-a'));
    expect((await onlyProcess(runtime, 'bot-a')).pid).toBe(survivor.pid);

    // Not its parent now: the exit is seen, its code is not.
    process.kill(survivor.pid, 'SIGKILL');
    await eventually(async () => {
      expect(await runtime.observe('bot-a')).toMatchObject({
        state: 'crashed',
        restarts: 1,
        lastExitCode: null,
      });
    });
    expect(await runtime.start('bot-a')).toMatchObject({ state: 'running', restarts: 1 });
    expect((await onlyProcess(runtime, 'bot-a')).pid).not.toBe(survivor.pid);
  });

  it('a pending marker with an already spawned process is adopted, not duplicated', async () => {
    const runtime = runtimeOn(makeStateDir());
    const store = openStateStore(runtime.stateDir);
    const desired = desiredInstance('bot-a', { configHash: 'pending-hash' });
    await store.writePending('bot-a', { instanceId: 'local-pending', desired, at: '' });
    const pid = await spawnMarked(runtime, 'bot-a', 'local-pending');

    const seen = await runtime.observe('bot-a');
    expect(seen).toMatchObject({
      instanceId: 'local-pending',
      state: 'running',
      configHash: 'pending-hash',
    });
    expect(await store.readPending('bot-a')).not.toBeNull(); // observing wrote nothing
    expect((await runtime.list()).map((i) => i.instanceId)).toEqual(['local-pending']);

    const created = await runtime.create(desiredInstance('bot-a'));
    expect(created).toMatchObject({ instanceId: 'local-pending', configHash: 'pending-hash' });
    expect((await onlyProcess(runtime, 'bot-a')).pid).toBe(pid);
    expect(await store.readPending('bot-a')).toBeNull();
    expect(await store.readRecord('bot-a')).toMatchObject({ pid, instanceId: 'local-pending' });
  });

  it('a pending marker whose spawn never happened spawns one, under its instance id', async () => {
    const runtime = runtimeOn(makeStateDir());
    const store = openStateStore(runtime.stateDir);
    const desired = desiredInstance('bot-a');
    await store.writePending('bot-a', { instanceId: 'local-never', desired, at: '' });
    expect(await runtime.observe('bot-a')).toBeNull();
    expect((await runtime.create(desired)).instanceId).toBe('local-never');
    expect(await botProcesses(runtime, 'bot-a')).toHaveLength(1);
  });

  it('a reused pid is not taken for the bot, and is never signalled', async () => {
    const runtime = runtimeOn(makeStateDir());
    await runtime.create(desiredInstance('bot-a'));
    await runtime.stop('bot-a', { signal: 'SIGTERM', timeoutSeconds: 5 });
    const store = openStateStore(runtime.stateDir);
    const record = await store.readRecord('bot-a');
    if (!record) throw new Error('no record');
    // The recorded pid now belongs to a stranger: this very test process.
    const stat = await readProcStat(process.pid);
    const stranger = { pid: process.pid, startTime: stat?.startTime ?? null };
    await store.writeRecord({ ...record, desiredState: 'running', ...stranger });
    expect(await runtime.observe('bot-a')).toMatchObject({ state: 'crashed', restarts: 1 });

    await store.writeRecord({
      ...record,
      desiredState: 'running',
      pid: process.pid,
      startTime: '1',
    });
    expect((await runtime.observe('bot-a'))?.state).toBe('crashed');
    await runtime.stop('bot-a', { signal: 'SIGTERM', timeoutSeconds: 1 });
    await runtime.destroy('bot-a');
    expect(await runtime.observe('bot-a')).toBeNull(); // and this process is still alive
  });

  it('lists a marked process with no state behind it, and destroy kills it', async () => {
    const runtime = runtimeOn(makeStateDir());
    await runtime.create(desiredInstance('bot-known'));
    await spawnMarked(runtime, 'bot-leaked', 'local-leaked');
    const leaked = await onlyProcess(runtime, 'bot-leaked');
    const listed = await runtime.list();
    expect(listed.map((i) => [i.botId, i.instanceId]).sort()).toEqual([
      ['bot-known', expect.any(String) as string],
      ['bot-leaked', 'local-leaked'],
    ]);
    await runtime.destroy('bot-leaked');
    expect(await botProcesses(runtime, 'bot-leaked')).toEqual([]);
    expect(await isRunning(leaked)).toBe(false);
  });

  it('a create after the state directory lost a bot replaces the stray, keeping one', async () => {
    const runtime = runtimeOn(makeStateDir());
    const stray = await spawnMarked(runtime, 'bot-a', 'local-stray');
    await runtime.create(desiredInstance('bot-a'));
    const found = await botProcesses(runtime, 'bot-a');
    expect(found).toHaveLength(1);
    expect(found[0]?.pid).not.toBe(stray);
  });

  it('an interrupted stop (alive past its deadline) reads as running, so it is stopped again', async () => {
    const runtime = runtimeOn(makeStateDir());
    await runtime.create(desiredInstance('bot-a'));
    const store = openStateStore(runtime.stateDir);
    const record = await store.readRecord('bot-a');
    if (!record) throw new Error('no record');
    const stopDeadline = new Date(Date.now() - 60_000).toISOString();
    await store.writeRecord({ ...record, desiredState: 'stopped', stopDeadline });
    expect((await runtime.observe('bot-a'))?.state).toBe('running');
    await store.writeRecord({ ...record, desiredState: 'stopped', stopDeadline: '2999-01-01' });
    expect((await runtime.observe('bot-a'))?.state).toBe('stopping');
  });
});
