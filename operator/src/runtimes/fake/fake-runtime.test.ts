import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, TransientError } from '../../reconcile/errors.ts';
import { describeRuntimeContract } from '../runtime-contract.ts';
import { desiredInstance } from '../testing/desired-instance.ts';
import { createFakeRuntime } from './fake-runtime.ts';
import type { FakeRuntimeOptions } from './fake-runtime.ts';

describeRuntimeContract('fake', () =>
  Promise.resolve({ runtime: createFakeRuntime(), teardown: () => Promise.resolve() }),
);

describeRuntimeContract('fake, eventually running, with latency', () =>
  Promise.resolve({
    runtime: createFakeRuntime({ startDelayMs: 30, latencyMs: { min: 0, max: 3 }, seed: 7 }),
    teardown: () => Promise.resolve(),
  }),
);

/** Which of `n` observe calls fail, as a string of `x` (failed) and `.` (succeeded). */
async function failurePattern(options: FakeRuntimeOptions, n: number): Promise<string> {
  const runtime = createFakeRuntime(options);
  let pattern = '';
  for (let i = 0; i < n; i++) {
    pattern += await runtime.observe('bot-a').then(
      () => '.',
      () => 'x',
    );
  }
  return pattern;
}

describe('fake runtime faults', () => {
  it('an outage fails every call with BackendUnavailableError until lifted', async () => {
    const runtime = createFakeRuntime({ outage: true });
    await expect(runtime.observe('bot-a')).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(runtime.list()).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(runtime.create(desiredInstance('bot-a'))).rejects.toBeInstanceOf(
      BackendUnavailableError,
    );
    await expect(runtime.destroy('bot-a')).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(runtime.createdCount).toBe(0);

    runtime.faults.set({ outage: false });
    await runtime.create(desiredInstance('bot-a'));
    expect(runtime.createdCount).toBe(1);
  });

  it('errorRatio fails about that share of calls, reproducibly for a seed', async () => {
    const pattern = await failurePattern({ errorRatio: 0.3, seed: 42 }, 1000);
    const failures = [...pattern].filter((c) => c === 'x').length;
    expect(failures).toBeGreaterThan(200);
    expect(failures).toBeLessThan(400);
    expect(await failurePattern({ errorRatio: 0.3, seed: 42 }, 1000)).toBe(pattern);
    expect(await failurePattern({ errorRatio: 0.3, seed: 43 }, 1000)).not.toBe(pattern);
  });

  it('errorRatio 0 and 1 never and always fail', async () => {
    expect(await failurePattern({ errorRatio: 0 }, 50)).toBe('.'.repeat(50));
    expect(await failurePattern({ errorRatio: 1 }, 50)).toBe('x'.repeat(50));
  });

  it('faults can be changed and cleared while in use', async () => {
    const runtime = createFakeRuntime();
    runtime.faults.set({ errorRatio: 1 });
    expect(runtime.faults.get().errorRatio).toBe(1);
    await expect(runtime.observe('bot-a')).rejects.toBeInstanceOf(BackendUnavailableError);
    runtime.faults.clear();
    expect(runtime.faults.get()).toEqual({
      errorRatio: 0,
      lostResponseRatio: 0,
      latencyMs: 0,
      outage: false,
    });
    await expect(runtime.observe('bot-a')).resolves.toBeNull();
  });

  it('a lost response takes effect, and a retried create still makes one instance', async () => {
    const runtime = createFakeRuntime({ lostResponseRatio: 1 });
    await expect(runtime.create(desiredInstance('bot-a'))).rejects.toBeInstanceOf(
      BackendUnavailableError,
    );
    expect((await runtime.observe('bot-a'))?.state).toBe('running');
    await expect(runtime.create(desiredInstance('bot-a'))).rejects.toThrow('response lost');
    runtime.faults.clear();
    await runtime.create(desiredInstance('bot-a'));
    expect(runtime.createdCount).toBe(1);
    expect(runtime.size).toBe(1);
  });

  it('never makes a second instance for a bot under random failures', async () => {
    const runtime = createFakeRuntime({ errorRatio: 0.5, lostResponseRatio: 0.3, seed: 9 });
    const bots = Array.from({ length: 20 }, (_, i) => `bot-${i}`);
    for (let round = 0; round < 10; round++) {
      await Promise.allSettled(bots.map((botId) => runtime.create(desiredInstance(botId))));
      await Promise.allSettled(bots.slice(0, 5).map((botId) => runtime.destroy(botId)));
    }
    runtime.faults.clear();
    const all = await runtime.list();
    expect(new Set(all.map((instance) => instance.botId)).size).toBe(all.length);
    expect(runtime.createdCount).toBeGreaterThanOrEqual(all.length);
  });

  it('latency delays calls without changing their result', async () => {
    const runtime = createFakeRuntime({ latencyMs: 5 });
    const created = await runtime.create(desiredInstance('bot-a'));
    expect(await runtime.observe('bot-a')).toEqual(created);
  });
});

describe('fake runtime hooks and counters', () => {
  it('counts calls per method, failed ones included, and instances ever created', async () => {
    const runtime = createFakeRuntime();
    await runtime.create(desiredInstance('bot-a'));
    await runtime.create(desiredInstance('bot-a'));
    await runtime.observe('bot-a');
    await runtime.destroy('bot-a');
    await runtime.create(desiredInstance('bot-a'));
    runtime.faults.set({ outage: true });
    await runtime.stop('bot-a', { signal: 'SIGTERM', timeoutSeconds: 1 }).catch(() => undefined);
    expect(runtime.calls).toMatchObject({ create: 3, observe: 1, destroy: 1, stop: 1, list: 0 });
    expect(runtime.createdCount).toBe(2);
    runtime.resetCalls();
    expect(runtime.calls.create).toBe(0);
    expect(runtime.createdCount).toBe(2);
  });

  it('crash marks the instance crashed; start runs it again without another restart', async () => {
    const runtime = createFakeRuntime({ now: () => Date.parse('2026-01-02T03:04:05Z') });
    await runtime.create(desiredInstance('bot-a'));
    runtime.crash('bot-a', 3);
    expect(await runtime.observe('bot-a')).toMatchObject({
      state: 'crashed',
      restarts: 1,
      lastExitCode: 3,
      lastExitAt: '2026-01-02T03:04:05.000Z',
    });
    await runtime.start('bot-a');
    expect(await runtime.observe('bot-a')).toMatchObject({ state: 'running', restarts: 1 });
    expect(() => runtime.crash('bot-missing')).toThrow(TransientError);
  });

  it('is pending for startDelayMs after a start, by its clock', async () => {
    let now = 1_000;
    const runtime = createFakeRuntime({ startDelayMs: 500, now: () => now });
    expect((await runtime.create(desiredInstance('bot-a'))).state).toBe('pending');
    now = 1_499;
    expect((await runtime.observe('bot-a'))?.state).toBe('pending');
    now = 1_500;
    expect((await runtime.observe('bot-a'))?.state).toBe('running');
    await runtime.update(desiredInstance('bot-a', { configHash: 'next' }));
    expect((await runtime.observe('bot-a'))?.state).toBe('pending');
  });

  it('records the stop options and keeps a stopped instance stopped on update', async () => {
    const runtime = createFakeRuntime();
    await runtime.create(desiredInstance('bot-a'));
    await runtime.stop('bot-a', { signal: 'SIGINT', timeoutSeconds: 42 });
    expect(runtime.lastStop('bot-a')).toEqual({ signal: 'SIGINT', timeoutSeconds: 42 });
    await runtime.update(desiredInstance('bot-a', { configHash: 'next' }));
    expect(await runtime.observe('bot-a')).toMatchObject({ state: 'stopped', configHash: 'next' });
  });

  it('start of a bot without an instance is a transient error; update creates it', async () => {
    const runtime = createFakeRuntime();
    await expect(runtime.start('bot-a')).rejects.toBeInstanceOf(TransientError);
    const updated = await runtime.update(desiredInstance('bot-a'));
    expect(updated.state).toBe('running');
    expect(runtime.createdCount).toBe(1);
  });
});
