import { fileURLToPath } from 'node:url';
import { CRD_NAME, CRD_YAML_PATH } from '@hmmtrade/crds';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { desiredInstance } from '../testing/desired-instance.ts';
import { eventually } from '../testing/eventually.ts';
import { useKubeRuntimeEnv } from './testing/kube-runtime-hooks.ts';
import type { KubeRuntimeUnderTest } from './testing/kube-harness.ts';
import type { KubeTestEnv } from './testing/kube-harness.ts';
import { runningStatus } from './testing/kubelet-sim.ts';
import type { BotOwner } from './resource-names.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BOT_ID = '0b6f3c1e-8a8e-4f7d-9a51-2f3c9d0e7a11';
const POD = `bot-${BOT_ID}`;
const BROKER = { name: 'alpaca-paper', keyIdKey: 'key-id', secretKeyKey: 'secret-key' };
const BROKER_VALUES = { 'key-id': 'PKSHOULDNOTLEAK1', 'secret-key': 'sk-should-not-leak-2' };
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

let env: KubeTestEnv;
const runtimeUnderTest = useKubeRuntimeEnv(async (started) => {
  env = started;
  const crd = await env.envtest.kubectl(['apply', '-f', `${REPO_ROOT}${CRD_YAML_PATH}`]);
  expect(crd.code, crd.stderr).toBe(0);
  const ready = await env.envtest.kubectl([
    'wait',
    '--for=condition=Established',
    `crd/${CRD_NAME}`,
  ]);
  expect(ready.code, ready.stderr).toBe(0);
});
const readPod = (namespace: string) => env.core.readNamespacedPod({ namespace, name: POD });
const readSecret = (namespace: string) => env.core.readNamespacedSecret({ namespace, name: POD });
const running = (rt: KubeRuntimeUnderTest, botId = BOT_ID) =>
  eventually(async () => {
    const seen = await rt.runtime.observe(botId);
    expect(seen?.state).toBe('running');
    return seen;
  });

describe('kubernetes runtime: the objects it makes', () => {
  it('runs the bot in a restricted pod sized by the desired resources', async () => {
    const rt = await runtimeUnderTest({ runtime: { workDir: '/var/lib/bot' } });
    const label = 'pod-security.kubernetes.io/enforce=restricted';
    const labelled = await env.envtest.kubectl(['label', 'namespace', rt.namespace, label]);
    expect(labelled.code, labelled.stderr).toBe(0);
    // The apiserver's Pod Security admission now refuses a pod that is not restricted.
    const plain = {
      metadata: { name: 'plain' },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    };
    await expect(
      env.core.createNamespacedPod({ namespace: rt.namespace, body: plain }),
    ).rejects.toMatchObject({ code: 403 });
    const desired = desiredInstance(BOT_ID, {
      generation: 7,
      configHash: 'hash-7',
      resources: { cpus: 0.5, memoryMB: 384 },
      stop: { signal: 'SIGTERM', timeoutSeconds: 45 },
    });
    await rt.runtime.create(desired);
    const pod = await readPod(rt.namespace);
    expect(pod.metadata?.labels).toEqual({
      'hmmtrade.io/bot-id': BOT_ID,
      'app.kubernetes.io/managed-by': 'hmmtrade-operator',
    });
    expect(pod.metadata?.annotations).toMatchObject({
      'hmmtrade.io/config-hash': 'hash-7',
      'hmmtrade.io/generation': '7',
    });
    expect(pod.spec).toMatchObject({
      restartPolicy: 'OnFailure',
      terminationGracePeriodSeconds: 45,
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      },
    });
    const [container] = pod.spec?.containers ?? [];
    expect(container?.image).toBe(desired.image);
    expect(container?.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const quantities = { cpu: '500m', memory: '384Mi' };
    expect(container?.resources).toEqual({ requests: quantities, limits: quantities });
    expect(container?.volumeMounts?.map((m) => m.mountPath).sort()).toEqual([
      '/tmp',
      '/var/lib/bot',
    ]);
    expect(pod.spec?.volumes?.every((volume) => volume.emptyDir !== undefined)).toBe(true);
  });

  it('puts the env in a Secret and references broker keys without copying them', async () => {
    const rt = await runtimeUnderTest({ runtime: { secretRefFor: () => BROKER } });
    await env.core.createNamespacedSecret({
      namespace: rt.namespace,
      body: { metadata: { name: BROKER.name }, stringData: BROKER_VALUES },
    });
    const botEnv = { BOT_ID, HMMTRADE_API_URL: 'https://api.test', HMMTRADE_JWT: 'jwt-123' };
    await rt.runtime.create(desiredInstance(BOT_ID, { env: botEnv }));
    const secret = await readSecret(rt.namespace);
    const decoded = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value, 'base64').toString('utf8'),
      ]),
    );
    expect(decoded).toEqual(botEnv);
    expect(secret.metadata?.labels?.['hmmtrade.io/bot-id']).toBe(BOT_ID);
    const pod = await readPod(rt.namespace);
    const [container] = pod.spec?.containers ?? [];
    expect(container?.envFrom).toEqual([{ secretRef: { name: POD } }]);
    expect(container?.env).toEqual([
      {
        name: 'APCA_API_KEY_ID',
        valueFrom: { secretKeyRef: { name: BROKER.name, key: BROKER.keyIdKey } },
      },
      {
        name: 'APCA_API_SECRET_KEY',
        valueFrom: { secretKeyRef: { name: BROKER.name, key: BROKER.secretKeyKey } },
      },
    ]);
    const everything = JSON.stringify([secret, pod]);
    for (const value of Object.values(BROKER_VALUES)) {
      expect(everything).not.toContain(value);
      expect(everything).not.toContain(Buffer.from(value).toString('base64'));
    }
  });

  it('makes the TradingBot the owner of the pod and the Secret', async () => {
    const owners = new Map<string, BotOwner>();
    const rt = await runtimeUnderTest({ runtime: { ownerFor: (id) => owners.get(id) } });
    const sample = `${REPO_ROOT}crds/samples/paper-sim.yaml`;
    const applied = await env.envtest.kubectl(['apply', '-n', rt.namespace, '-f', sample]);
    expect(applied.code, applied.stderr).toBe(0);
    const uid = await env.envtest.kubectl([
      'get',
      'tb',
      'btc-paper-sim',
      '-n',
      rt.namespace,
      '-o',
      'jsonpath={.metadata.uid}',
    ]);
    expect(uid.stdout.trim()).not.toBe('');
    const owner = {
      apiVersion: 'hmmtrade.io/v1alpha1',
      kind: 'TradingBot',
      name: 'btc-paper-sim',
      uid: uid.stdout.trim(),
    };
    owners.set(BOT_ID, owner);
    await rt.runtime.create(desiredInstance(BOT_ID));
    const want = [{ ...owner, controller: true }];
    expect((await readPod(rt.namespace)).metadata?.ownerReferences).toEqual(want);
    expect((await readSecret(rt.namespace)).metadata?.ownerReferences).toEqual(want);
  });
});

describe('kubernetes runtime: crashes', () => {
  it('reports a terminated container as crashed with its exit code and restarts', async () => {
    const rt = await runtimeUnderTest();
    await rt.runtime.create(desiredInstance(BOT_ID));
    await running(rt);
    const pod = await readPod(rt.namespace);
    const finishedAt = new Date('2026-03-02T10:00:00Z');
    const [status] = runningStatus(pod).containerStatuses;
    await env.core.patchNamespacedPodStatus(
      {
        namespace: rt.namespace,
        name: POD,
        body: {
          status: {
            conditions: [{ type: 'Ready', status: 'False' }],
            containerStatuses: [
              {
                ...status,
                ready: false,
                restartCount: 2,
                state: { terminated: { exitCode: 3, reason: 'Error', finishedAt } },
              },
            ],
          },
        },
      },
      mergePatch,
    );
    // The runtime reads through its pod informer: the kubelet's write shows up a moment later.
    await eventually(async () =>
      expect(await rt.runtime.observe(BOT_ID)).toMatchObject({
        state: 'crashed',
        lastExitCode: 3,
        restarts: 2,
        lastExitAt: finishedAt.toISOString(),
      }),
    );
    // The kubelet restarts it (restartPolicy OnFailure): start leaves the pod alone.
    await rt.runtime.start(BOT_ID);
    expect((await readPod(rt.namespace)).metadata?.uid).toBe(pod.metadata?.uid);
  });

  it('replaces a pod that exited 0 on start, counting the restart', async () => {
    const rt = await runtimeUnderTest();
    await rt.runtime.create(desiredInstance(BOT_ID));
    await running(rt);
    const before = await readPod(rt.namespace);
    const [status] = runningStatus(before).containerStatuses;
    await env.core.patchNamespacedPodStatus(
      {
        namespace: rt.namespace,
        name: POD,
        body: {
          status: {
            phase: 'Succeeded',
            containerStatuses: [
              {
                ...status,
                ready: false,
                state: { terminated: { exitCode: 0, finishedAt: new Date() } },
              },
            ],
          },
        },
      },
      mergePatch,
    );
    await eventually(async () =>
      expect(await rt.runtime.observe(BOT_ID)).toMatchObject({ state: 'crashed', lastExitCode: 0 }),
    );
    await rt.runtime.start(BOT_ID);
    const again = await running(rt);
    expect(again?.restarts).toBe(1);
    expect((await readPod(rt.namespace)).metadata?.uid).not.toBe(before.metadata?.uid);
  });
});
