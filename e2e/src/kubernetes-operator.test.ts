import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hmmtrade/db/testing';
import { createMetricsRegistry } from '@hmmtrade/platform';
import type { Operator } from '@hmmtrade/operator';
import { assembleKubernetesOperator } from '@hmmtrade/operator/kubernetes';
import {
  eventually,
  quietLogger,
  startKubeletSim,
  startKubeTestEnv,
  type KubeTestEnv,
} from '@hmmtrade/operator/testing';

const CRD = fileURLToPath(
  new URL('../../crds/generated/tradingbots.hmmtrade.io.yaml', import.meta.url),
);

const manifest = (namespace: string, suspend: boolean) => `
apiVersion: hmmtrade.io/v1alpha1
kind: TradingBot
metadata:
  name: btc-paper
  namespace: ${namespace}
spec:
  suspend: ${suspend}
  broker:
    kind: sim
  profile:
    symbols: [BTC/USD]
    assetClass: crypto
    timeframe: 1Min
  runtime:
    backend: kubernetes
    resources: { cpus: 0.5, memoryMB: 512 }
`;

// The self-hosted path on a real kube-apiserver: `helm install` the chart (CRD, RBAC …), run the
// operator with the chart's ServiceAccount token (so its RBAC is proven enough), then kubectl
// apply → the operator makes the Pod (this test plays the kubelet) → status and printer columns
// → suspend → delete with the finalizer → nothing left, in the cluster and in the Postgres mirror.
describe('operator on Kubernetes', () => {
  let env: KubeTestEnv;
  let testDb: TestDatabase;
  let namespace: string;
  let operator: Operator;
  let kubelet: { stop(): Promise<void> };

  beforeAll(async () => {
    env = await startKubeTestEnv();
    testDb = await createTestDatabase('postgres');
    expect((await env.envtest.kubectl(['apply', '-f', CRD])).code).toBe(0);
    await env.envtest.kubectl([
      'wait',
      '--for',
      'condition=established',
      '--timeout=30s',
      'crd/tradingbots.hmmtrade.io',
    ]);
    namespace = await env.namespace();
    kubelet = startKubeletSim({ core: env.core, namespace });
    operator = assembleKubernetesOperator({
      kubeConfig: env.kubeConfig,
      db: testDb.handle.db,
      logger: quietLogger(),
      registry: createMetricsRegistry({ defaultMetrics: false }),
      settings: {
        namespace,
        apiUrl: 'http://hmmtrade-api:8080',
        resyncPeriodMs: 1_000,
        leaseDurationMs: 3_000,
        renewDeadlineMs: 2_000,
        retryPeriodMs: 250,
      },
    });
    await operator.start();
  }, 120_000);
  afterAll(async () => {
    await operator?.stop();
    await kubelet?.stop();
    await testDb?.dispose();
    await env?.stop();
  });

  const kubectl = async (...args: string[]) => env.envtest.kubectl([...args, '-n', namespace]);
  const bot = async () =>
    JSON.parse((await kubectl('get', 'tb', 'btc-paper', '-o', 'json')).stdout) as {
      metadata: { uid: string; finalizers?: string[] };
      status?: { phase?: string; observedGeneration?: number };
    };
  const pods = async () =>
    JSON.parse((await kubectl('get', 'pods', '-o', 'json')).stdout) as {
      items: { metadata: { name: string; ownerReferences?: { kind: string; name: string }[] } }[];
    };

  it('applies, runs, suspends and deletes a TradingBot', async () => {
    expect(
      (await env.envtest.kubectl(['apply', '-f', '-'], { input: manifest(namespace, false) })).code,
    ).toBe(0);
    await eventually(async () => expect((await bot()).status?.phase).toBe('Running'), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    const { metadata } = await bot();
    expect(metadata.finalizers).toContain('hmmtrade.io/finalizer');
    const [pod] = (await pods()).items;
    expect(pod?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'TradingBot',
      name: 'btc-paper',
    });
    const table = (await kubectl('get', 'tb')).stdout;
    expect(table).toMatch(/^NAME\s+PHASE\s+BACKEND\s+REGIME\s+AGE/m);
    expect(table).toMatch(/^btc-paper\s+Running\s+kubernetes\s/m);
    const mirrored = await testDb.handle.db
      .selectFrom('bots')
      .selectAll()
      .where('id', '=', metadata.uid)
      .executeTakeFirst();
    expect(mirrored).toMatchObject({
      source: 'kubernetes',
      k8s_namespace: namespace,
      k8s_name: 'btc-paper',
    });

    expect(
      (
        await kubectl(
          'patch',
          'tb',
          'btc-paper',
          '--type',
          'merge',
          '-p',
          '{"spec":{"suspend":true}}',
        )
      ).code,
    ).toBe(0);
    await eventually(
      async () => {
        expect((await bot()).status?.phase).toBe('Stopped');
        expect((await pods()).items).toEqual([]);
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );

    expect((await kubectl('delete', 'tb', 'btc-paper', '--wait=false')).code).toBe(0);
    await eventually(
      async () => {
        expect((await kubectl('get', 'tb', '-o', 'name')).stdout.trim()).toBe('');
        expect((await pods()).items).toEqual([]);
        expect(
          (
            await kubectl(
              'get',
              'secrets',
              '-l',
              'app.kubernetes.io/managed-by=hmmtrade-operator',
              '-o',
              'name',
            )
          ).stdout.trim(),
        ).toBe('');
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    await eventually(
      async () =>
        expect(
          await testDb.handle.db
            .selectFrom('bots')
            .select('id')
            .where('id', '=', metadata.uid)
            .execute(),
        ).toEqual([]),
      { timeoutMs: 10_000 },
    );
  }, 120_000);
});
