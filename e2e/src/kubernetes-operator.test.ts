import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliBundle, imageCommandHere } from '@hmmtrade/cli/bundle';
import { createTestDatabase, type TestDatabase } from '@hmmtrade/db/testing';
import {
  eventually,
  kubeConfigWithToken,
  startKubeletSim,
  startKubeTestEnv,
  type KubeTestEnv,
} from '@hmmtrade/operator/testing';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE = join(REPO_ROOT, 'crds/samples/paper-sim.yaml');
const BOT = 'btc-paper-sim';

interface Container {
  command: string[];
  env: { name: string; value?: string }[];
}

// The self-hosted path on a real kube-apiserver, as a user takes it: `helm install` the chart
// (CRD, RBAC …) with the operator's rights limited to one namespace; run the operator process
// the way the chart's Deployment runs it (its command and Node flags, the image's hmmtrade
// bundle, its env) with a token of the chart's ServiceAccount, so its RBAC is proven enough;
// then `kubectl apply` the sample → the operator makes the Pod (this test plays the kubelet) →
// status and printer columns → suspend → delete with the finalizer → nothing left, in the
// cluster and in the Postgres mirror.
describe('operator on Kubernetes, installed with Helm', () => {
  let env: KubeTestEnv;
  let testDb: TestDatabase;
  let namespace: string;
  let operator: ChildProcess | undefined;
  let output = '';
  let kubelet: { stop(): Promise<void> };
  const dirs: string[] = [];

  const ok = (result: { code: number | null; stdout: string; stderr: string }) => {
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    return result.stdout;
  };

  beforeAll(async () => {
    env = await startKubeTestEnv();
    testDb = await createTestDatabase('postgres');
    namespace = await env.namespace();
    const chart = join(REPO_ROOT, 'charts/hmmtrade');
    ok(
      await env.envtest.helm([
        'install',
        'rel',
        chart,
        '-n',
        namespace,
        '--set',
        `watchNamespace=${namespace}`,
      ]),
    );
    ok(
      await env.envtest.kubectl([
        'wait',
        '--for',
        'condition=established',
        '--timeout=30s',
        'crd/tradingbots.hmmtrade.io',
      ]),
    );
    const token = ok(
      await env.envtest.kubectl(['create', 'token', 'rel-hmmtrade-operator', '-n', namespace]),
    ).trim();
    const deployment = JSON.parse(
      ok(
        await env.envtest.kubectl([
          'get',
          'deployment',
          'rel-hmmtrade-operator',
          '-n',
          namespace,
          '-o',
          'json',
        ]),
      ),
    ) as { spec: { template: { spec: { containers: Container[] } } } };
    const container = deployment.spec.template.spec.containers[0]!;

    const workDir = await mkdtemp(join(tmpdir(), 'k8s-e2e-'));
    const bundleDir = await mkdtemp(join(REPO_ROOT, '.tsbuild', 'cli-bundle-e2e-'));
    dirs.push(workDir, bundleDir);
    const kubeconfigPath = join(workDir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeConfigWithToken(env, token).exportConfig(), {
      mode: 0o600,
    });
    await buildCliBundle(bundleDir);
    // The chart's env, with what the cluster would fill in (the Secret's DATABASE_URL, the
    // downward API) given here, and the ports of this machine.
    const chartEnv = Object.fromEntries(
      container.env.flatMap((entry) =>
        entry.value === undefined ? [] : [[entry.name, entry.value]],
      ),
    );
    const { command, args } = imageCommandHere(container.command, bundleDir);
    operator = spawn(command, args, {
      env: {
        ...chartEnv,
        HOST: '127.0.0.1',
        PORT: '0',
        HMMTRADE_DATA_DIR: workDir,
        DATABASE_URL: testDb.handle.connectionString,
        POD_NAMESPACE: namespace,
        POD_NAME: 'rel-hmmtrade-operator-0',
        KUBECONFIG: kubeconfigPath,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    operator.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    operator.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(() => expect(output).toMatch(/operator .* started \(kubernetes runtime\)/), {
      timeoutMs: 30_000,
    });
    kubelet = startKubeletSim({ kubeConfig: env.kubeConfig, namespace });
  }, 180_000);
  afterAll(async () => {
    if (operator && operator.exitCode === null) {
      const exited = new Promise((resolve) => operator!.once('exit', resolve));
      operator.kill('SIGTERM');
      await exited;
    }
    await kubelet?.stop();
    await testDb?.dispose();
    await env?.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  const kubectl = async (...args: string[]) => env.envtest.kubectl([...args, '-n', namespace]);
  const bot = async () =>
    JSON.parse((await kubectl('get', 'tb', BOT, '-o', 'json')).stdout) as {
      metadata: { uid: string; finalizers?: string[] };
      status?: { phase?: string; observedGeneration?: number };
    };
  const pods = async () =>
    JSON.parse((await kubectl('get', 'pods', '-o', 'json')).stdout) as {
      items: { metadata: { name: string; ownerReferences?: { kind: string; name: string }[] } }[];
    };

  it('applies, runs, suspends and deletes a TradingBot', async () => {
    ok(await kubectl('apply', '-f', SAMPLE));
    await eventually(async () => expect((await bot()).status?.phase).toBe('Running'), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    const { metadata } = await bot();
    expect(metadata.finalizers).toContain('hmmtrade.io/finalizer');
    const [pod] = (await pods()).items;
    expect(pod?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'TradingBot',
      name: BOT,
    });
    // The operator ran with the chart's ServiceAccount: had its RBAC refused anything, it
    // would have logged it.
    expect(output).not.toMatch(/forbidden/i);
    const table = (await kubectl('get', 'tb')).stdout;
    expect(table).toMatch(/^NAME\s+PHASE\s+BACKEND\s+REGIME\s+AGE/m);
    expect(table).toMatch(/^btc-paper-sim\s+Running\s+kubernetes\s/m);
    const mirrored = await testDb.handle.db
      .selectFrom('bots')
      .selectAll()
      .where('id', '=', metadata.uid)
      .executeTakeFirst();
    expect(mirrored).toMatchObject({
      source: 'kubernetes',
      k8s_namespace: namespace,
      k8s_name: BOT,
    });

    expect(
      (await kubectl('patch', 'tb', BOT, '--type', 'merge', '-p', '{"spec":{"suspend":true}}'))
        .code,
    ).toBe(0);
    await eventually(
      async () => {
        expect((await bot()).status?.phase).toBe('Stopped');
        expect((await pods()).items).toEqual([]);
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );

    expect((await kubectl('delete', 'tb', BOT, '--wait=false')).code).toBe(0);
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
