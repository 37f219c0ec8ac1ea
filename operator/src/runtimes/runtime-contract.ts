import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BotRuntime, DesiredInstance, ObservedInstance } from './runtime.ts';
import { desiredInstance } from './testing/desired-instance.ts';
import { eventually } from './testing/eventually.ts';

/** A fresh runtime for one test, and how to clean up everything it made. */
export interface RuntimeUnderTest<R extends BotRuntime = BotRuntime> {
  runtime: R;
  teardown: () => Promise<void>;
}

/** What a runtime can additionally show the suite. */
export interface RuntimeContractOptions<R extends BotRuntime = BotRuntime> {
  /** Bound for pending → running and similar convergence (default 10 s). */
  settleTimeoutMs?: number;
  /**
   * An instance that ignores its stop signal: the overrides that make one, and optionally how to
   * wait until it has started ignoring. When given, the suite checks that `stop` kills it after
   * `timeoutSeconds`.
   */
  stubborn?: {
    desired: Partial<DesiredInstance>;
    whenIgnoring?: (runtime: R, botId: string) => Promise<void>;
  };
}

/**
 * The BotRuntime contract (runtime.ts, DESIGN §4) as one suite that every runtime runs.
 * `setup` is called before each test and must return a runtime with no instances.
 */
export function describeRuntimeContract<R extends BotRuntime>(
  name: string,
  setup: () => Promise<RuntimeUnderTest<R>>,
  options: RuntimeContractOptions<R> = {},
): void {
  describe(`BotRuntime contract: ${name}`, () => {
    const timeoutMs = options.settleTimeoutMs ?? 10_000;
    let rt: R;
    let teardown: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      const made = await setup();
      rt = made.runtime;
      teardown = made.teardown;
    });
    afterEach(async () => {
      await teardown?.();
      teardown = undefined;
    });

    const running = (botId: string): Promise<ObservedInstance> =>
      eventually(
        async () => {
          const seen = await rt.observe(botId);
          expect(seen?.state).toBe('running');
          return seen as ObservedInstance;
        },
        { timeoutMs },
      );
    const listed = async (botId: string): Promise<ObservedInstance[]> =>
      (await rt.list()).filter((instance) => instance.botId === botId);

    it('observes an unknown bot as null', async () => {
      expect(await rt.observe('bot-unknown')).toBeNull();
    });

    it('creates a pending or running instance tagged with the bot, hash and generation', async () => {
      const desired = desiredInstance('bot-a', { generation: 3, configHash: 'hash-a3' });
      const created = await rt.create(desired);
      expect(['pending', 'running']).toContain(created.state);
      expect(created).toMatchObject({ botId: 'bot-a', configHash: 'hash-a3', generation: 3 });
      expect(created.image).toBe(desired.image);
      expect(created.instanceId).not.toBe('');
      const seen = await running('bot-a');
      expect(seen.instanceId).toBe(created.instanceId);
    });

    it('creating twice yields one instance', async () => {
      const first = await rt.create(desiredInstance('bot-a'));
      const second = await rt.create(desiredInstance('bot-a'));
      expect(second.instanceId).toBe(first.instanceId);
      const all = await listed('bot-a');
      expect(all.map((instance) => instance.instanceId)).toEqual([first.instanceId]);
    });

    it('creating concurrently yields one instance', async () => {
      const created = await Promise.all(
        Array.from({ length: 5 }, () => rt.create(desiredInstance('bot-a'))),
      );
      const ids = new Set(created.map((instance) => instance.instanceId));
      expect(ids.size).toBe(1);
      const all = await listed('bot-a');
      expect(all.map((instance) => instance.instanceId)).toEqual([...ids]);
    });

    it('observe and list never mutate', async () => {
      await rt.create(desiredInstance('bot-a'));
      await running('bot-a');
      const listBefore = await rt.list();
      const first = await rt.observe('bot-a');
      const second = await rt.observe('bot-a');
      expect(second).toEqual(first);
      expect(await rt.list()).toEqual(listBefore);
      expect(await rt.observe('bot-unknown')).toBeNull();
      expect(await rt.list()).toEqual(listBefore);
    });

    it('stop keeps a stopped instance that start runs again', async () => {
      const created = await rt.create(desiredInstance('bot-a'));
      await running('bot-a');
      await rt.stop('bot-a', { signal: 'SIGTERM', timeoutSeconds: 5 });
      const stopped = await rt.observe('bot-a');
      expect(stopped).toMatchObject({ state: 'stopped', instanceId: created.instanceId });
      expect(await listed('bot-a')).toHaveLength(1);
      const started = await rt.start('bot-a');
      expect(['pending', 'running']).toContain(started.state);
      const again = await running('bot-a');
      expect(again.instanceId).toBe(created.instanceId);
      expect(again.restarts).toBe(created.restarts);
    });

    it('start of a running instance is a no-op', async () => {
      const created = await rt.create(desiredInstance('bot-a'));
      const before = await running('bot-a');
      const started = await rt.start('bot-a');
      expect(started).toEqual(before);
      expect(await listed('bot-a')).toHaveLength(1);
      expect(started.instanceId).toBe(created.instanceId);
    });

    it('stop and destroy of a missing bot succeed', async () => {
      await expect(
        rt.stop('bot-missing', { signal: 'SIGTERM', timeoutSeconds: 1 }),
      ).resolves.toBeUndefined();
      await expect(rt.destroy('bot-missing')).resolves.toBeUndefined();
      expect(await rt.observe('bot-missing')).toBeNull();
    });

    it('destroy removes the instance and is idempotent', async () => {
      await rt.create(desiredInstance('bot-a'));
      await rt.create(desiredInstance('bot-b'));
      await rt.destroy('bot-a');
      expect(await rt.observe('bot-a')).toBeNull();
      expect(await listed('bot-a')).toEqual([]);
      await rt.destroy('bot-a');
      expect(await rt.observe('bot-a')).toBeNull();
      expect(await listed('bot-b')).toHaveLength(1);
    });

    it('destroy of a stopped instance removes it', async () => {
      await rt.create(desiredInstance('bot-a'));
      await rt.stop('bot-a', { signal: 'SIGTERM', timeoutSeconds: 5 });
      await rt.destroy('bot-a');
      expect(await rt.observe('bot-a')).toBeNull();
    });

    it('update with a new config converges and keeps one instance', async () => {
      const created = await rt.create(desiredInstance('bot-a'));
      await running('bot-a');
      const next = desiredInstance('bot-a', {
        generation: 2,
        image: 'ghcr.io/hmmtrade/bot:next',
        configHash: 'hash-next',
      });
      const updated = await rt.update(next);
      expect(updated.configHash).toBe('hash-next');
      const seen = await running('bot-a');
      expect(seen).toMatchObject({ configHash: 'hash-next', generation: 2, image: next.image });
      const all = await listed('bot-a');
      expect(all).toHaveLength(1);
      expect(all[0]?.instanceId).toBe(created.instanceId);
    });

    it('update with the same config hash is a no-op', async () => {
      await rt.create(desiredInstance('bot-a', { configHash: 'same' }));
      const before = await running('bot-a');
      const updated = await rt.update(desiredInstance('bot-a', { configHash: 'same' }));
      expect(updated).toEqual(before);
      expect(await rt.observe('bot-a')).toEqual(before);
      expect(await listed('bot-a')).toHaveLength(1);
    });

    it('lists the instances of several bots', async () => {
      const bots = ['bot-a', 'bot-b', 'bot-c'];
      await Promise.all(bots.map((botId) => rt.create(desiredInstance(botId))));
      const all = await rt.list();
      expect(all.map((instance) => instance.botId).sort()).toEqual(bots);
      for (const instance of all) {
        expect(instance.configHash).toBe(desiredInstance(instance.botId).configHash);
      }
    });

    it('stop honours the requested signal and leaves the instance stopped', async () => {
      await rt.create(desiredInstance('bot-a'));
      await running('bot-a');
      await rt.stop('bot-a', { signal: 'SIGINT', timeoutSeconds: 1 });
      expect((await rt.observe('bot-a'))?.state).toBe('stopped');
      await rt.stop('bot-a', { signal: 'SIGTERM', timeoutSeconds: 1 });
      expect((await rt.observe('bot-a'))?.state).toBe('stopped');
    });

    if (options.stubborn) {
      const stubborn = options.stubborn;
      it('stop kills an instance that ignores the signal after the timeout', async () => {
        await rt.create(desiredInstance('bot-stubborn', stubborn.desired));
        await running('bot-stubborn');
        await stubborn.whenIgnoring?.(rt, 'bot-stubborn');
        await rt.stop('bot-stubborn', { signal: 'SIGTERM', timeoutSeconds: 1 });
        expect((await rt.observe('bot-stubborn'))?.state).toBe('stopped');
      });
    }
  });
}
