import { describe, expect, it } from 'vitest';
import { FINALIZER, type TradingBotStatus } from '@hmmtrade/crds';
import { LostLeadershipError } from '../leader/lost-leadership-error.ts';
import { eventually } from '../runtimes/testing/eventually.ts';
import { quietLogger } from '../testing/operator-harness.ts';
import { createEventRecorder } from './kubernetes/event-recorder.ts';
import { useCrdEnvtest, type CrdEnvtest } from './kubernetes/testing/crd-envtest.ts';
import type { TradingBotClient } from './kubernetes/trading-bot-client.ts';

const running = (message: string): TradingBotStatus => ({
  phase: 'Running',
  observedGeneration: 2,
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'Running',
      message,
      lastTransitionTime: '2026-01-05T10:00:00Z',
    },
  ],
});

describe('CRD source (real apiserver)', () => {
  let crd: CrdEnvtest;
  useCrdEnvtest((ready) => (crd = ready));

  it('lists every bot in pages, adds the finalizer, and hands bots out by uid', async () => {
    const names = ['bot-0', 'bot-1', 'bot-2', 'bot-3', 'bot-4'];
    await crd.applyBots('paged', names);
    const pages: (string | undefined)[] = [];
    const { source, changes, start } = crd.newSource('paged', {
      wrap: (client) => ({
        ...client,
        list: (options) => (pages.push(options.continue), client.list(options)),
      }),
    });
    await start();

    // Page size 2, five objects: three requests, the later two with continue tokens.
    expect(pages).toHaveLength(3);
    expect(pages[0]).toBeUndefined();
    expect(pages.slice(1).every((token) => typeof token === 'string')).toBe(true);
    const uids = await Promise.all(names.map((name) => crd.uid('paged', name)));
    expect(source.ids().sort()).toEqual([...uids].sort());
    expect(new Set(changes)).toEqual(new Set(uids));
    const finalizers = await crd.kubectl([
      'get',
      'tb',
      '-n',
      'paged',
      '-o',
      'jsonpath={range .items[*]}{.metadata.finalizers}{"\\n"}{end}',
    ]);
    expect(finalizers.trim().split('\n')).toEqual(names.map(() => JSON.stringify([FINALIZER])));
    const bot = source.get(uids[0]!)!;
    expect(bot).toMatchObject({ id: uids[0], name: 'paged/bot-0', generation: 1, deletedAt: null });
    expect(bot.spec.ok && bot.spec.spec.profile.symbols).toEqual(['BTC/USD']);
    expect(source.object(uids[0]!)?.metadata.managedFields).toBeUndefined();
  });

  it('follows create, update and delete; status goes through /status; finalize lets go', async () => {
    const { source, changes, start, setEpoch } = crd.newSource('life', {
      events: createEventRecorder({
        kubeConfig: crd.kubeConfig,
        instance: 'test',
        logger: quietLogger(),
      }),
    });
    await crd.applyBots('life', []);
    await start();
    expect(source.ids()).toEqual([]);

    await crd.applyBots('life', ['one']);
    const uid = await crd.uid('life', 'one');
    await eventually(() => expect(source.get(uid)).toBeDefined());
    expect(changes).toContain(uid);
    expect(
      await crd.kubectl([
        'get',
        'tb',
        'one',
        '-n',
        'life',
        '-o',
        'jsonpath={.metadata.finalizers}',
      ]),
    ).toBe(JSON.stringify([FINALIZER]));

    changes.length = 0;
    await crd.patchBot('life', 'one', { spec: { suspend: true } });
    await eventually(() => expect(source.get(uid)?.generation).toBe(2));
    const updated = source.get(uid)!;
    expect(updated.spec.ok && updated.spec.spec.suspend).toBe(true);
    expect(changes).toContain(uid);

    // A field the bot reports (through the API) survives the operator's status write.
    changes.length = 0;
    await crd.patchBot(
      'life',
      'one',
      { status: { lastHeartbeatAt: '2026-01-05T09:59:00Z' } },
      'status',
    );
    await eventually(() => expect(source.get(uid)?.status.lastHeartbeatAt).toBeDefined());
    await source.writeStatus(source.get(uid)!, running('trading on local'), 7);
    const [header, row] = (await crd.kubectl(['get', 'tb', 'one', '-n', 'life']))
      .trim()
      .split('\n');
    expect(header!.split(/\s+/)[1]).toBe('PHASE');
    expect(row!.split(/\s+/)[1]).toBe('Running');
    const status = JSON.parse(
      await crd.kubectl(['get', 'tb', 'one', '-n', 'life', '-o', 'jsonpath={.status}']),
    ) as TradingBotStatus;
    expect(status).toMatchObject({
      observedGeneration: 2,
      lastHeartbeatAt: '2026-01-05T09:59:00Z',
    });
    expect(status.conditions?.[0]).toMatchObject({ type: 'Ready', reason: 'Running' });
    expect(source.get(uid)?.status.phase).toBe('Running');

    // The phase transition is a Kubernetes Event: reason = Ready reason, note = its message.
    await eventually(async () => {
      const events = JSON.parse(
        await crd.kubectl(['get', 'events.v1.events.k8s.io', '-n', 'life', '-o', 'json']),
      ) as { items: { reason: string; note: string; type: string; regarding: { uid: string } }[] };
      expect(events.items).toEqual([
        expect.objectContaining({
          reason: 'Running',
          note: 'trading on local',
          type: 'Normal',
          regarding: expect.objectContaining({ uid }),
        }),
      ]);
    });

    // A stale epoch is refused before anything is written.
    await expect(source.writeStatus(source.get(uid)!, { phase: 'Stopped' }, 6)).rejects.toThrow(
      LostLeadershipError,
    );
    await expect(source.finalize(source.get(uid)!, 6)).rejects.toThrow(LostLeadershipError);
    // So is any write once the leader has lost its lease (no epoch at all).
    setEpoch(null);
    await expect(source.writeStatus(source.get(uid)!, { phase: 'Stopped' }, 7)).rejects.toThrow(
      LostLeadershipError,
    );
    setEpoch(7);
    expect(source.get(uid)?.status.phase).toBe('Running');

    // Status-only updates (the source's own write, the bot's heartbeat) do not wake it.
    expect(changes).toEqual([]);

    await crd.kubectl(['delete', 'tb', 'one', '-n', 'life', '--wait=false']);
    await eventually(() => expect(source.get(uid)?.deletedAt).toBeInstanceOf(Date));
    // The finalizer holds the object until the operator lets go.
    expect(await crd.uid('life', 'one')).toBe(uid);
    await source.finalize(source.get(uid)!, 7);
    expect(source.get(uid)).toBeUndefined();
    await eventually(async () => {
      const result = await crd.env.kubectl(['get', 'tb', 'one', '-n', 'life']);
      expect(result.stderr).toMatch(/NotFound/);
    });
    expect(changes).toContain(uid);
  });

  it('retries a status write that raced a change (409) after re-reading', async () => {
    await crd.applyBots('race', ['racer']);
    let replaces = 0;
    const { source, start } = crd.newSource('race', {
      wrap: (client): TradingBotClient => ({
        ...client,
        // A watch that never reports anything, so the cache stays behind the server.
        watch: () => {
          let stop = () => undefined as void;
          const done = new Promise<void>((resolve) => (stop = resolve));
          return { done, stop };
        },
        replaceStatus: (object) => (replaces++, client.replaceStatus(object)),
      }),
    });
    await start();
    const uid = await crd.uid('race', 'racer');
    const cached = source.get(uid)!;
    await crd.patchBot('race', 'racer', { spec: { suspend: true } });

    await source.writeStatus(cached, running('raced'), 7);
    expect(replaces).toBe(2);
    const object = JSON.parse(
      await crd.kubectl(['get', 'tb', 'racer', '-n', 'race', '-o', 'json']),
    ) as { spec: { suspend: boolean }; status: TradingBotStatus; metadata: { generation: number } };
    expect(object.status.phase).toBe('Running');
    expect(object.spec.suspend).toBe(true);
    expect(object.metadata.generation).toBe(2);
  });

  it('adds the finalizer even when its first patch loses a race with a user edit (409)', async () => {
    await crd.applyBots('edited', ['quick']);
    const patches: string[] = [];
    const { source, start } = crd.newSource('edited', {
      wrap: (client): TradingBotClient => ({
        ...client,
        async mergePatch(namespace, name, patch) {
          // The user edits the bot just before the source's first patch reaches the server.
          if (patches.length === 0) {
            await crd.patchBot(namespace, name, { spec: { suspend: true } });
          }
          patches.push(JSON.stringify(patch));
          return client.mergePatch(namespace, name, patch);
        },
      }),
    });
    await start();
    const uid = await crd.uid('edited', 'quick');
    await eventually(() => expect(source.get(uid)?.generation).toBe(2));
    expect(patches.length).toBeGreaterThanOrEqual(2);
    expect(
      await crd.kubectl([
        'get',
        'tb',
        'quick',
        '-n',
        'edited',
        '-o',
        'jsonpath={.metadata.finalizers}',
      ]),
    ).toBe(JSON.stringify([FINALIZER]));
  });
});
