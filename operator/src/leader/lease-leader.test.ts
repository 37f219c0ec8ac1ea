import { createServer, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { createMetricsRegistry } from '@hmmtrade/platform';
import { eventually } from '../runtimes/testing/eventually.ts';
import { useCrdEnvtest, type CrdEnvtest } from '../sources/kubernetes/testing/crd-envtest.ts';
import { quietLogger } from '../testing/operator-harness.ts';
import { LostLeadershipError } from './lost-leadership-error.ts';
import type { LeaderElector } from './leader-elector.ts';
import { createLeaseLeaderElector } from './lease-leader.ts';

describe('kubernetes lease leader election (real apiserver)', () => {
  let crd: CrdEnvtest;
  const running: LeaderElector[] = [];
  useCrdEnvtest((ready) => (crd = ready));
  afterEach(async () => {
    await Promise.all(running.splice(0).map((leader) => leader.stop()));
  });

  /** Long enough that no test can see a lease expire: takeovers then prove a release. */
  const LONG = { leaseDurationMs: 60_000, renewDeadlineMs: 30_000 };

  function elector(
    identity: string,
    lease: string,
    options: {
      releaseOnStop?: boolean;
      leaseDurationMs?: number;
      renewDeadlineMs?: number;
      kubeConfig?: KubeConfig;
    } = {},
  ) {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const events: string[] = [];
    const leader = createLeaseLeaderElector({
      kubeConfig: crd.kubeConfig,
      namespace: 'default',
      name: lease,
      identity,
      logger: quietLogger(),
      registry,
      leaseDurationMs: 2_000,
      renewDeadlineMs: 1_500,
      retryPeriodMs: 100,
      ...options,
    });
    leader.start({
      onStartedLeading: (epoch) => events.push(`lead ${epoch}`),
      onStoppedLeading: () => events.push('stop'),
    });
    running.push(leader);
    return { leader, events, registry };
  }

  const leaders = (...candidates: LeaderElector[]) => candidates.filter((c) => c.isLeader()).length;

  async function leaseSpec(name: string) {
    const stdout = await crd.kubectl(['get', 'lease', name, '-n', 'default', '-o', 'json']);
    return (JSON.parse(stdout) as { spec: { holderIdentity?: string; leaseTransitions?: number } })
      .spec;
  }

  it('elects exactly one; a killed leader is replaced after expiry with a higher epoch', async () => {
    const a = elector('a', 'kill', { releaseOnStop: false });
    const b = elector('b', 'kill', { releaseOnStop: false });
    await eventually(() => expect(leaders(a.leader, b.leader)).toBe(1));
    const [first, second] = a.leader.isLeader() ? [a, b] : [b, a];
    const firstEpoch = first.leader.epoch()!;
    expect(await leaseSpec('kill')).toMatchObject({
      holderIdentity: first === a ? 'a' : 'b',
      leaseTransitions: firstEpoch,
    });
    expect(await first.registry.getSingleMetricAsString('leader_election_master_status')).toMatch(
      /name="kill"} 1$/m,
    );
    expect(await second.registry.getSingleMetricAsString('leader_election_master_status')).toMatch(
      /name="kill"} 0$/m,
    );
    // Stays single-leader while the leader renews, for several retry periods.
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(leaders(a.leader, b.leader)).toBe(1);
      expect(first.leader.isLeader()).toBe(true);
    }

    // Kill: stop renewing without releasing. The lease still names the dead leader …
    await first.leader.stop();
    expect((await leaseSpec('kill')).holderIdentity).toBe(first === a ? 'a' : 'b');
    // … until it expires; then the other takes it over with a higher epoch.
    await eventually(() => expect(second.leader.isLeader()).toBe(true), { timeoutMs: 10_000 });
    expect(second.leader.epoch()).toBeGreaterThan(firstEpoch);
    expect(await leaseSpec('kill')).toMatchObject({
      holderIdentity: second === a ? 'a' : 'b',
      leaseTransitions: second.leader.epoch(),
    });
    expect(first.events).toEqual([`lead ${firstEpoch}`, 'stop']);
    expect(second.events).toEqual([`lead ${second.leader.epoch()}`]);
  });

  it('hands over at once on a clean release', async () => {
    const a = elector('a', 'release', LONG);
    await eventually(() => expect(a.leader.isLeader()).toBe(true));
    const epoch = a.leader.epoch()!;
    const b = elector('b', 'release', LONG);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(b.leader.isLeader()).toBe(false);
    await a.leader.stop();
    expect(a.leader.epoch()).toBeNull();
    // The lease would not expire for a minute: only the release lets b in.
    await eventually(() => expect(b.leader.isLeader()).toBe(true));
    expect(b.leader.epoch()).toBe(epoch + 1);
    expect(await leaseSpec('release')).toMatchObject({
      holderIdentity: 'b',
      leaseTransitions: epoch + 1,
    });
  });

  it('steps down at once when another holder overwrites the lease', async () => {
    const a = elector('a', 'taken', LONG);
    await eventually(() => expect(a.leader.isLeader()).toBe(true));
    const epoch = a.leader.epoch()!;
    const patch = JSON.stringify({
      spec: { holderIdentity: 'intruder', leaseTransitions: epoch + 1 },
    });
    const result = await crd.env.kubectl([
      'patch',
      'lease',
      'taken',
      '-n',
      'default',
      '--type=merge',
      '-p',
      patch,
    ]);
    expect(result.code).toBe(0);
    await eventually(() => expect(a.leader.isLeader()).toBe(false));
    expect(a.events).toEqual([`lead ${epoch}`, 'stop']);
  });

  it('fences CRD source writes with the lease epoch', async () => {
    const a = elector('a', 'fence', LONG);
    await eventually(() => expect(a.leader.isLeader()).toBe(true));
    const deposed = a.leader.epoch()!;
    await crd.applyBots('fenced', ['f-1']);
    const old = crd.newSource('fenced', { leader: a.leader });
    await old.start();
    const uid = await crd.uid('fenced', 'f-1');
    await old.source.writeStatus(old.source.get(uid)!, { phase: 'Running' }, deposed);

    const b = elector('b', 'fence', LONG);
    await a.leader.stop();
    await eventually(() => expect(b.leader.isLeader()).toBe(true));
    await expect(
      old.source.writeStatus(old.source.get(uid)!, { phase: 'Stopped' }, deposed),
    ).rejects.toThrow(LostLeadershipError);

    const current = crd.newSource('fenced', { leader: b.leader });
    await current.start();
    await current.source.writeStatus(
      current.source.get(uid)!,
      { phase: 'Stopped' },
      b.leader.epoch()!,
    );
    expect(
      await crd.kubectl(['get', 'tb', 'f-1', '-n', 'fenced', '-o', 'jsonpath={.status.phase}']),
    ).toBe('Stopped');
  });

  it('a leader cut off from the apiserver steps down by its renew deadline, before takeover', async () => {
    const proxy = await startTcpProxy(Number(new URL(crd.env.server).port));
    try {
      const viaProxy = new KubeConfig();
      viaProxy.loadFromString(crd.env.kubeconfig.replace(crd.env.server, proxy.url));
      const cut = elector('cut', 'partition', { kubeConfig: viaProxy, releaseOnStop: false });
      await eventually(() => expect(cut.leader.isLeader()).toBe(true));
      const epoch = cut.leader.epoch()!;
      const other = elector('other', 'partition');
      await new Promise((resolve) => setTimeout(resolve, 300));

      proxy.cut();
      // Never two leaders: the renew deadline (1.5 s) ends the old term before the lease
      // (2 s, timed by the follower from the last renewal it saw) can be taken.
      let overlap = false;
      await eventually(
        () => {
          if (leaders(cut.leader, other.leader) > 1) overlap = true;
          expect(other.leader.isLeader()).toBe(true);
        },
        { timeoutMs: 15_000 },
      );
      expect(overlap).toBe(false);
      expect(other.leader.epoch()).toBeGreaterThan(epoch);
      await eventually(() => expect(cut.events).toEqual([`lead ${epoch}`, 'stop']));
    } finally {
      proxy.close();
    }
  });
});

/** A TCP relay to the apiserver that can be cut: open connections reset, new ones refused. */
async function startTcpProxy(targetPort: number) {
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const cut = () => {
    open = false;
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `https://127.0.0.1:${port}`,
    cut,
    close() {
      cut();
      server.close();
    },
  };
}
