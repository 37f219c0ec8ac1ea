import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsGet } from './https-get.ts';
import { startEnvtest } from './envtest.ts';
import type { Envtest } from './envtest.ts';
import { envtestVersions } from './versions.ts';

const repo = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const crdFile = repo('crds/generated/tradingbots.hmmtrade.io.yaml');
const samplesDir = repo('crds/samples');

/** A valid TradingBot (the sim sample's shape) with `patch` applied to its spec. */
function tradingBot(name: string, patch: (spec: Record<string, unknown>) => void): string {
  const spec: Record<string, unknown> = {
    broker: { kind: 'sim' },
    profile: {
      symbols: ['BTC/USD'],
      assetClass: 'crypto',
      timeframe: '15Min',
      risk: { maxPositionPct: 0.2, maxExposurePct: 0.6 },
    },
    runtime: { backend: 'kubernetes' },
  };
  patch(spec);
  return JSON.stringify({
    apiVersion: 'hmmtrade.io/v1alpha1',
    kind: 'TradingBot',
    metadata: { name },
    spec,
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startEnvtest without binaries', () => {
  it('fails saying how to build them', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'hmmtrade-envtest-nobin-'));
    try {
      await expect(startEnvtest({ binDir: empty })).rejects.toThrow(
        `envtest binaries not found in ${empty}: run bash testkit/envtest/build.sh`,
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('envtest: a real kube-apiserver and etcd', () => {
  let env: Envtest;

  beforeAll(async () => {
    env = await startEnvtest();
  }, 180_000);

  afterAll(async () => {
    await env?.stop();
  }, 60_000);

  it('serves the pinned Kubernetes version to the admin kubeconfig', async () => {
    expect(env.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(env.kubeconfig).toContain(env.token);
    const ns = await env.kubectl(['get', 'ns', 'default', '-o', 'name']);
    expect(ns).toMatchObject({ code: 0, stdout: 'namespace/default\n' });
    const version = await env.kubectl(['version', '-o', 'json']);
    expect(version.code).toBe(0);
    const parsed = JSON.parse(version.stdout) as { serverVersion: { gitVersion: string } };
    expect(parsed.serverVersion.gitVersion).toBe(envtestVersions.k8s);
  });

  it('installs the TradingBot CRD and serves both samples with the printer columns', async () => {
    expect((await env.kubectl(['apply', '-f', crdFile])).code).toBe(0);
    const established = await env.kubectl([
      ...['wait', '--for=condition=Established', '--timeout=60s'],
      'crd/tradingbots.hmmtrade.io',
    ]);
    expect(established.stderr).toBe('');
    expect(established.code).toBe(0);

    const applied = await env.kubectl(['apply', '-f', samplesDir]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('tradingbot.hmmtrade.io/btc-paper-sim created');
    expect(applied.stdout).toContain('tradingbot.hmmtrade.io/spy-paper-alpaca created');

    const list = await env.kubectl(['get', 'tb']);
    expect(list.code).toBe(0);
    const [header = '', ...rows] = list.stdout.trim().split('\n');
    expect(header.split(/\s+/)).toEqual(['NAME', 'PHASE', 'BACKEND', 'REGIME', 'AGE']);
    // Cells are read at the header's offsets: an unset status prints as '' or '<none>'.
    const starts = [...header.matchAll(/\S+/g)].map((match) => match.index);
    const cells = (row: string): string[] =>
      starts.map((start, i) => row.slice(start, starts[i + 1]).trim());
    expect(rows.map((row) => cells(row).slice(0, 3))).toEqual([
      ['btc-paper-sim', expect.stringMatching(/^(<none>)?$/), 'kubernetes'],
      ['spy-paper-alpaca', expect.stringMatching(/^(<none>)?$/), 'kubernetes'],
    ]);

    // The apiserver applied the schema's defaults.
    const risk = await env.kubectl([
      ...['get', 'tb', 'spy-paper-alpaca'],
      '-o=jsonpath={.spec.profile.risk.maxLeverage}',
    ]);
    expect(risk).toMatchObject({ code: 0, stdout: '1' });
  });

  it('explains the schema with its descriptions', async () => {
    // The OpenAPI document picks the CRD up shortly after it is Established.
    let explained = await env.kubectl(['explain', 'tradingbots.spec.profile.risk']);
    for (let i = 0; i < 50 && explained.code !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      explained = await env.kubectl(['explain', 'tradingbots.spec.profile.risk']);
    }
    expect(explained.stderr).toBe('');
    const text = explained.stdout.replace(/\s+/g, ' '); // kubectl wraps descriptions
    expect(text).toContain('FIELD: risk <Object>');
    expect(text).toContain(
      'Risk gates every proposed order passes; a rejected order is audited with its reason.',
    );
    expect(text).toContain(
      'maxPositionPct <number> Largest single position relative to equity, as a fraction in (0, 1]',
    );
  });

  it.each([
    {
      what: 'a position limit above 100%',
      patch: (spec: Record<string, unknown>) => {
        (spec.profile as { risk: Record<string, number> }).risk.maxPositionPct = 1.5;
      },
      message: 'spec.profile.risk.maxPositionPct in body should be less than or equal to 1',
    },
    {
      what: 'a sim broker with credentials',
      patch: (spec: Record<string, unknown>) => {
        spec.broker = { kind: 'sim', secretRef: { name: 'alpaca-paper' } };
      },
      message: 'sim broker takes no credentials: remove secretRef and connectionId',
    },
    {
      what: 'market hours on crypto',
      patch: (spec: Record<string, unknown>) => {
        spec.runtime = { backend: 'kubernetes', schedule: 'market-hours' };
      },
      message: 'market-hours is only for assetClass stocks: crypto trades around the clock',
    },
  ])('refuses $what with the schema message', async ({ patch, message }) => {
    const result = await env.kubectl(['apply', '-f', '-'], {
      input: tradingBot('invalid-bot', patch),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('is invalid');
    expect(result.stderr).toContain(message);
    const get = await env.kubectl(['get', 'tb', 'invalid-bot', '--ignore-not-found', '-o', 'name']);
    expect(get).toMatchObject({ code: 0, stdout: '' });
  });

  it('refuses requests without a valid token with 401', async () => {
    const url = `${env.server}/api/v1/namespaces`;
    expect((await httpsGet(url, { ca: env.caPem })).status).toBe(401);
    expect((await httpsGet(url, { ca: env.caPem, token: 'not-the-token' })).status).toBe(401);
    expect((await httpsGet(url, { ca: env.caPem, token: env.token })).status).toBe(200);
  });

  it('runs helm against the apiserver', async () => {
    const version = await env.helm(['version', '--short']);
    expect(version.stdout).toContain(envtestVersions.helm);
    const list = await env.helm(['list', '--all-namespaces', '-o', 'json']);
    expect(list).toMatchObject({ code: 0, stdout: '[]\n' });
  });

  it('stops both processes and removes its temp dir', async () => {
    const { pids, dir } = env;
    expect(processAlive(pids.etcd) && processAlive(pids.apiserver)).toBe(true);
    await env.stop();
    expect(processAlive(pids.apiserver)).toBe(false);
    expect(processAlive(pids.etcd)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    await env.stop();
  }, 60_000);
});
