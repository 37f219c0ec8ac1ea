// The chart on a real kube-apiserver (testkit/envtest): install, the RBAC the apiserver then
// enforces, a TradingBot from the samples, uninstall keeping the CRD, and a reinstall.
// There is no kubelet, so pods never run; every object is still stored and validated.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEnvtest } from '@hmmtrade/testkit/envtest';
import type { Envtest, ToolResult } from '@hmmtrade/testkit/envtest';
import { chartDir, repoRoot } from './testing/helm-chart.ts';

const crdName = 'tradingbots.hmmtrade.io';
const operatorSa = 'system:serviceaccount:hmm:rel-hmmtrade-operator';

let env: Envtest;

beforeAll(async () => {
  env = await startEnvtest();
}, 150_000);

afterAll(async () => {
  await env?.stop();
});

/** Fails with the tool's output when it exited non-zero. */
function ok(result: ToolResult): string {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

async function names(kind: string, namespace: string): Promise<string[]> {
  const out = ok(await env.kubectl(['get', kind, '-n', namespace, '-o', 'name']));
  return out.split('\n').filter(Boolean).sort();
}

/** `kubectl auth can-i verb resource` as `user`: 'yes' or 'no'. */
async function canI(user: string, args: string[]): Promise<string> {
  const result = await env.kubectl(['auth', 'can-i', ...args, '--as', user]);
  return result.stdout.trim();
}

describe('helm install on a real apiserver', { timeout: 120_000 }, () => {
  it('passes a server-side dry run without creating anything', async () => {
    const out = ok(
      await env.helm([
        'install',
        'rel',
        chartDir,
        '-n',
        'hmm',
        '--create-namespace',
        '--dry-run=server',
      ]),
    );
    expect(out).toContain('STATUS: pending-install');
    expect((await env.kubectl(['get', 'crd', crdName])).code).not.toBe(0);
  });

  it('installs the CRD, RBAC, Deployments, Services, budgets and policies', async () => {
    const out = ok(await env.helm(['install', 'rel', chartDir, '-n', 'hmm', '--create-namespace']));
    expect(out).toContain('STATUS: deployed');
    // The notes say how to apply a sample and watch it.
    expect(out).toContain('kubectl apply -n hmm -f crds/samples/paper-sim.yaml');
    expect(out).toContain('kubectl get tb -n hmm -w');

    const crd = JSON.parse(ok(await env.kubectl(['get', 'crd', crdName, '-o', 'json'])));
    expect(crd.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
    expect(crd.metadata.annotations['meta.helm.sh/release-name']).toBe('rel');

    const deployments = ['api', 'operator', 'web'].map((c) => `deployment.apps/rel-hmmtrade-${c}`);
    expect(await names('deployments', 'hmm')).toEqual(deployments);
    expect(await names('services', 'hmm')).toEqual(
      ['api', 'operator', 'web'].map((c) => `service/rel-hmmtrade-${c}`),
    );
    expect(await names('serviceaccounts', 'hmm')).toEqual(
      ['api', 'operator', 'web'].map((c) => `serviceaccount/rel-hmmtrade-${c}`),
    );
    expect(await names('poddisruptionbudgets', 'hmm')).toHaveLength(3);
    expect(await names('networkpolicies', 'hmm')).toHaveLength(4);
    expect(await names('roles', 'hmm')).toEqual([
      'role.rbac.authorization.k8s.io/rel-hmmtrade-operator-leader-election',
    ]);
    ok(await env.kubectl(['get', 'clusterrole', 'hmm-rel-hmmtrade-operator']));
    ok(await env.kubectl(['get', 'clusterrolebinding', 'hmm-rel-hmmtrade-operator']));
  });

  it('lets the operator do its job and nothing more, as the apiserver decides', async () => {
    const yes: string[][] = [
      ['list', 'tradingbots.hmmtrade.io', '--all-namespaces'],
      ['watch', 'tradingbots.hmmtrade.io', '-n', 'bots'],
      ['patch', 'tradingbots.hmmtrade.io', '--subresource', 'status', '-n', 'bots'],
      ['update', 'tradingbots.hmmtrade.io', '--subresource', 'finalizers', '-n', 'bots'],
      ['create', 'pods', '-n', 'bots'],
      ['delete', 'secrets', '-n', 'bots'],
      ['create', 'events', '-n', 'bots'],
      ['create', 'events.events.k8s.io', '-n', 'bots'],
      ['patch', 'events.events.k8s.io', '-n', 'bots'],
      ['create', 'leases.coordination.k8s.io', '-n', 'hmm'],
      ['update', 'leases.coordination.k8s.io', '-n', 'hmm'],
    ];
    const no: string[][] = [
      ['create', 'tradingbots.hmmtrade.io', '-n', 'bots'],
      ['delete', 'tradingbots.hmmtrade.io', '-n', 'bots'],
      ['get', 'configmaps', '-n', 'bots'],
      ['create', 'deployments.apps', '-n', 'bots'],
      ['create', 'pods', '--subresource', 'exec', '-n', 'bots'],
      ['get', 'pods', '--subresource', 'log', '-n', 'bots'],
      ['delete', 'leases.coordination.k8s.io', '-n', 'hmm'],
      ['create', 'leases.coordination.k8s.io', '-n', 'bots'],
      ['delete', 'events.events.k8s.io', '-n', 'bots'],
      ['list', 'customresourcedefinitions.apiextensions.k8s.io'],
      ['create', 'clusterroles.rbac.authorization.k8s.io'],
    ];
    for (const args of yes) expect(await canI(operatorSa, args), args.join(' ')).toBe('yes');
    for (const args of no) expect(await canI(operatorSa, args), args.join(' ')).toBe('no');
    // The api and the web have no Kubernetes rights at all.
    for (const component of ['api', 'web']) {
      const sa = `system:serviceaccount:hmm:rel-hmmtrade-${component}`;
      expect(await canI(sa, ['get', 'secrets', '-n', 'hmm'])).toBe('no');
      expect(await canI(sa, ['list', 'tradingbots.hmmtrade.io', '-n', 'hmm'])).toBe('no');
    }
  });

  it('serves TradingBots: the offline sample applies and lists under tb', async () => {
    ok(
      await env.kubectl([
        'apply',
        '-n',
        'hmm',
        '-f',
        join(repoRoot, 'crds', 'samples', 'paper-sim.yaml'),
      ]),
    );
    expect(await names('tb', 'hmm')).toEqual(['tradingbot.hmmtrade.io/btc-paper-sim']);
  });

  it('uninstalls everything but the CRD, whose TradingBots survive', async () => {
    const out = ok(await env.helm(['uninstall', 'rel', '-n', 'hmm']));
    expect(out).toContain('These resources were kept due to the resource policy');
    expect(out).toContain(`[CustomResourceDefinition] ${crdName}`);

    ok(await env.kubectl(['get', 'crd', crdName]));
    expect(await names('tb', 'hmm')).toEqual(['tradingbot.hmmtrade.io/btc-paper-sim']);
    expect(await names('deployments', 'hmm')).toEqual([]);
    expect(await names('roles', 'hmm')).toEqual([]);
    expect((await env.kubectl(['get', 'clusterrole', 'hmm-rel-hmmtrade-operator'])).code).not.toBe(
      0,
    );
  });

  it('reinstalls over the kept CRD under the same release name', async () => {
    ok(await env.helm(['install', 'rel', chartDir, '-n', 'hmm']));
    expect(await names('deployments', 'hmm')).toHaveLength(3);
    ok(await env.helm(['uninstall', 'rel', '-n', 'hmm']));
  });

  it('confines a watchNamespace install to a Role in that namespace', async () => {
    ok(await env.kubectl(['create', 'namespace', 'bots']));
    // The CRD already exists, kept from the release above: this release leaves it alone.
    ok(
      await env.helm([
        'install',
        'scoped',
        chartDir,
        ...['-n', 'ops', '--create-namespace'],
        ...['--set', 'watchNamespace=bots,crds.install=false'],
      ]),
    );
    const sa = 'system:serviceaccount:ops:scoped-hmmtrade-operator';
    expect(await canI(sa, ['list', 'tradingbots.hmmtrade.io', '-n', 'bots'])).toBe('yes');
    expect(await canI(sa, ['create', 'pods', '-n', 'bots'])).toBe('yes');
    expect(await canI(sa, ['update', 'leases.coordination.k8s.io', '-n', 'ops'])).toBe('yes');
    expect(await canI(sa, ['list', 'tradingbots.hmmtrade.io', '--all-namespaces'])).toBe('no');
    expect(await canI(sa, ['create', 'pods', '-n', 'hmm'])).toBe('no');
    expect(await canI(sa, ['get', 'secrets', '-n', 'ops'])).toBe('no');
    expect(await names('networkpolicies', 'bots')).toEqual([
      'networkpolicy.networking.k8s.io/scoped-hmmtrade-bots',
    ]);
    ok(await env.helm(['uninstall', 'scoped', '-n', 'ops']));
    expect(await names('roles', 'bots')).toEqual([]);
  });
});
