import type { V1ContainerStatus, V1Pod, V1PodStatus, V1Secret } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { desiredInstance } from '../testing/desired-instance.ts';
import { recordSecret } from './instance-record.ts';
import type { DesiredPodState } from './instance-record.ts';
import { botPod } from './pod-spec.ts';
import { cachedPod, cachedSecret } from './managed-list-watch.ts';
import type { ManagedPod, ManagedSecret } from './managed-list-watch.ts';
import { groupByBot, observedInstance } from './pod-state.ts';

const desired = desiredInstance('b1', { generation: 4, configHash: 'h4', region: 'fra' });
const secret = (state: DesiredPodState = 'running', restarts = 0): V1Secret =>
  recordSecret(desired, state, restarts, undefined);
const pod = (status: V1PodStatus = {}, deleting = false): V1Pod => {
  const made = botPod(desired, { workDir: '/work' });
  if (deleting) made.metadata = { ...made.metadata, deletionTimestamp: new Date() };
  return { ...made, status };
};
const bot = (status: Partial<V1ContainerStatus>): V1ContainerStatus => ({
  name: 'bot',
  image: desired.image,
  imageID: '',
  ready: false,
  restartCount: 0,
  ...status,
});
const finishedAt = new Date('2026-03-02T10:00:00Z');
const observe = (p: V1Pod | null, s: V1Secret | null = secret()) =>
  observedInstance({ botId: 'b1', name: 'bot-b1', pod: p, secret: s });

describe('observedInstance', () => {
  it('is null without pod and Secret', () => {
    expect(observe(null, null)).toBeNull();
  });

  it('reads identity, hash, generation, image and region from the objects', () => {
    expect(observe(pod({ phase: 'Pending' }))).toEqual({
      botId: 'b1',
      instanceId: 'bot-b1',
      state: 'pending',
      configHash: 'h4',
      generation: 4,
      image: desired.image,
      region: 'fra',
      restarts: 0,
    });
  });

  const table: { name: string; pod: V1Pod | null; secret?: V1Secret | null; want: object }[] = [
    { name: 'no phase yet', pod: pod(), want: { state: 'pending' } },
    {
      name: 'running and ready',
      pod: pod({
        phase: 'Running',
        containerStatuses: [bot({ ready: true, state: { running: {} } })],
      }),
      want: { state: 'running', restarts: 0 },
    },
    {
      name: 'running, not ready yet',
      pod: pod({ phase: 'Running', containerStatuses: [bot({ state: { running: {} } })] }),
      want: { state: 'pending' },
    },
    {
      name: 'running with only a Ready condition',
      pod: pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }),
      want: { state: 'running' },
    },
    {
      name: 'terminated with restarts',
      pod: pod({
        phase: 'Running',
        containerStatuses: [
          bot({ restartCount: 2, state: { terminated: { exitCode: 3, finishedAt } } }),
        ],
      }),
      want: {
        state: 'crashed',
        restarts: 2,
        lastExitCode: 3,
        lastExitAt: finishedAt.toISOString(),
      },
    },
    {
      name: 'waiting in CrashLoopBackOff',
      pod: pod({
        phase: 'Running',
        containerStatuses: [
          bot({
            restartCount: 5,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 137, finishedAt } },
          }),
        ],
      }),
      want: { state: 'crashed', restarts: 5, lastExitCode: 137 },
    },
    {
      name: 'running again after a crash keeps the last exit',
      pod: pod({
        phase: 'Running',
        containerStatuses: [
          bot({
            ready: true,
            restartCount: 1,
            state: { running: {} },
            lastState: { terminated: { exitCode: 1, finishedAt } },
          }),
        ],
      }),
      want: { state: 'running', restarts: 1, lastExitCode: 1 },
    },
    {
      name: 'succeeded: exited 0 while it should run',
      pod: pod({
        phase: 'Succeeded',
        containerStatuses: [bot({ state: { terminated: { exitCode: 0, finishedAt } } })],
      }),
      want: { state: 'crashed', lastExitCode: 0 },
    },
    {
      name: 'failed adds the restarts of earlier pods',
      pod: pod({ phase: 'Failed', containerStatuses: [bot({ restartCount: 1 })] }),
      secret: secret('running', 4),
      want: { state: 'crashed', restarts: 5 },
    },
    { name: 'being deleted', pod: pod({ phase: 'Running' }, true), want: { state: 'stopping' } },
    {
      name: 'being deleted without its Secret',
      pod: pod({ phase: 'Running' }, true),
      secret: null,
      want: { state: 'destroying' },
    },
    {
      name: 'no pod, stop recorded',
      pod: null,
      secret: secret('stopped'),
      want: { state: 'stopped', configHash: 'h4', image: desired.image, region: 'fra' },
    },
    {
      name: 'no pod, running recorded: gone on its own',
      pod: null,
      secret: secret('running', 2),
      want: { state: 'crashed', restarts: 2, lastExitCode: null },
    },
  ];
  for (const row of table) {
    const rowSecret = row.secret === undefined ? secret() : row.secret;
    it(row.name, () => {
      expect(observe(row.pod, rowSecret)).toMatchObject(row.want);
    });
    it(`${row.name}: the same from what the runtime's cache keeps`, () => {
      const cached = observe(
        row.pod && cachedPod(row.pod as ManagedPod),
        rowSecret && cachedSecret(rowSecret as ManagedSecret),
      );
      expect(cached).toEqual(observe(row.pod, rowSecret));
    });
  }

  it("keeps no Secret data and no pod spec beyond the bot container's image in the cache", () => {
    const cachedS = cachedSecret({ ...(secret() as ManagedSecret), data: { A: 'eA==' } });
    expect(cachedS).not.toHaveProperty('data');
    expect(cachedS).not.toHaveProperty('stringData');
    expect(cachedS.metadata).toEqual(secret().metadata);
    const cachedP = cachedPod(pod({ phase: 'Running' }) as ManagedPod);
    expect(cachedP.spec).toEqual({
      containers: [{ name: 'bot', image: desired.image }],
      terminationGracePeriodSeconds: pod().spec?.terminationGracePeriodSeconds,
    });
    expect(cachedP.status).toMatchObject({ phase: 'Running' });
  });
});

describe('groupByBot', () => {
  it('pairs pods and Secrets per bot, sorted, and leaves out objects that are not ours', () => {
    const other = desiredInstance('a0');
    const stray = { metadata: { name: 'bot-b1', labels: { 'hmmtrade.io/bot-id': 'b1' } } };
    const renamed = { ...pod(), metadata: { ...pod().metadata, name: 'bot-b1-copy' } };
    const grouped = groupByBot(
      [pod(), renamed, stray],
      [secret(), recordSecret(other, 'stopped', 0, undefined)],
    );
    expect(grouped.map((g) => [g.botId, g.name, g.pod !== null, g.secret !== null])).toEqual([
      ['a0', 'bot-a0', false, true],
      ['b1', 'bot-b1', true, true],
    ]);
  });
});
