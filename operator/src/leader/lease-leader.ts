import type { KubeConfig } from '@kubernetes/client-node';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '@hmmtrade/platform';
import { isConflict, isNotFound } from '../kube-client/kube-errors.ts';
import type { LeaderElector, LeadershipCallbacks } from './leader-elector.ts';
import { createKubeApi, microTime } from '../kube-client/kube-api.ts';

/** The parts of a `coordination.k8s.io/v1` Lease the elector reads and writes. */
interface Lease {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** Options for Kubernetes Lease leader election. */
export interface LeaseLeaderOptions {
  kubeConfig: KubeConfig;
  /** Namespace of the Lease (the operator's own). */
  namespace: string;
  /** Lease name (default `hmmtrade-operator`). */
  name?: string;
  /** Unique per process (hostname:pid, pod name): the Lease's holderIdentity. */
  identity: string;
  logger: Logger;
  registry?: Registry;
  /** How long followers wait on a lease that stopped moving before taking it (default 15 s). */
  leaseDurationMs?: number;
  /** A leader whose renewals fail for this long steps down (default 10 s; < leaseDuration). */
  renewDeadlineMs?: number;
  /** How often a leader renews and a follower retries (default 2 s; < renewDeadline). */
  retryPeriodMs?: number;
  /** Release the lease on stop so a follower takes over at once (default true). */
  releaseOnStop?: boolean;
}

/**
 * Leader election on a `coordination.k8s.io/v1` Lease, the client-go protocol with fencing:
 * every write carries the resourceVersion read (optimistic concurrency), so of two candidates
 * only one can win. Every acquisition increments `spec.leaseTransitions`, and that number is
 * the fencing epoch, so each term has a higher epoch than the last (even when a process
 * re-acquires the lease it just lost). A follower judges expiry by its own clock: the lease
 * is free when its resourceVersion has not moved for leaseDuration (or its holder is empty).
 * A leader stops claiming leadership (`epoch()` is null) once renewDeadline has passed since
 * the start of its last successful renewal, which is before any follower can take over.
 */
export function createLeaseLeaderElector(options: LeaseLeaderOptions): LeaderElector {
  const name = options.name ?? 'hmmtrade-operator';
  const { namespace, identity, logger } = options;
  const leaseMs = options.leaseDurationMs ?? 15_000;
  const renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
  const retryMs = options.retryPeriodMs ?? 2_000;
  if (!(leaseMs > renewDeadlineMs && renewDeadlineMs > retryMs && retryMs > 0)) {
    throw new RangeError('lease election needs leaseDuration > renewDeadline > retryPeriod > 0');
  }
  const leaseSeconds = Math.max(1, Math.ceil(leaseMs / 1000));
  const api = createKubeApi(options.kubeConfig);
  const leases = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
  const leasePath = `${leases}/${encodeURIComponent(name)}`;
  const gauge = options.registry
    ? new Gauge({
        name: 'leader_election_master_status',
        help: 'Whether this process is the leader (1) or not (0).',
        labelNames: ['name'],
        registers: [options.registry],
      })
    : undefined;

  let lease: Lease | undefined; // as last written by us while leading
  let leading: number | null = null;
  let renewedAt = 0; // performance.now() when the last successful renewal was sent
  let observed: { version: string; at: number } | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let tick: Promise<void> = Promise.resolve();
  let callbacks: LeadershipCallbacks | undefined;

  const now = () => performance.now();
  const setLeading = (next: number | null) => {
    const was = leading;
    leading = next;
    gauge?.set({ name }, next === null ? 0 : 1);
    if (was === null && next !== null) callbacks?.onStartedLeading(next);
    if (was !== null && next === null) callbacks?.onStoppedLeading();
  };
  const ours = (spec: Lease['spec'], transitions: number | null) =>
    spec?.holderIdentity === identity && (spec.leaseTransitions ?? 0) === transitions;

  const read = async () => {
    try {
      return await api.get<Lease>(leasePath);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };

  const acquire = async () => {
    const sent = now();
    const current = await read();
    const time = microTime();
    const claim = (transitions: number) => ({
      holderIdentity: identity,
      leaseDurationSeconds: leaseSeconds,
      acquireTime: time,
      renewTime: time,
      leaseTransitions: transitions,
    });
    let won: Lease;
    if (!current) {
      won = await api.post<Lease>(leases, { metadata: { name, namespace }, spec: claim(1) });
    } else {
      const version = current.metadata?.resourceVersion ?? '';
      if (observed?.version !== version) observed = { version, at: now() };
      const holder = current.spec?.holderIdentity ?? '';
      const durationMs = (current.spec?.leaseDurationSeconds ?? leaseSeconds) * 1000;
      const free = holder === '' || holder === identity || now() - observed.at > durationMs;
      if (!free) return;
      won = await api.put<Lease>(leasePath, {
        ...current,
        spec: claim((current.spec?.leaseTransitions ?? 0) + 1),
      });
    }
    lease = won;
    renewedAt = sent;
    const epoch = won.spec?.leaseTransitions ?? 0;
    logger.info({ epoch, identity, lease: `${namespace}/${name}` }, 'became leader');
    setLeading(epoch);
  };

  const renew = async () => {
    const sent = now();
    try {
      lease = await api.put<Lease>(leasePath, {
        ...lease,
        spec: { ...lease?.spec, renewTime: microTime() },
      });
      renewedAt = sent;
    } catch (error) {
      // Someone else wrote the lease: still ours (a no-op write) or lost for good.
      if (isConflict(error)) {
        const current = await read();
        if (!current || !ours(current.spec, leading))
          throw new Error('lease taken over', { cause: error });
        lease = current;
      }
      if (now() - renewedAt > renewDeadlineMs) throw error;
      logger.warn({ err: error }, 'lease renewal failed; retrying');
    }
  };

  const loop = () => {
    if (stopped) return;
    tick = (leading === null ? acquire() : renew())
      .catch((error: unknown) => {
        if (leading !== null) {
          logger.warn({ err: error, identity }, 'lost leadership');
          setLeading(null);
        } else if (!isConflict(error)) logger.warn({ err: error }, 'lease acquisition failed');
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, retryMs);
      });
  };

  const epoch = () => (leading !== null && now() - renewedAt <= renewDeadlineMs ? leading : null);

  return {
    start(cb) {
      callbacks = cb;
      stopped = false;
      gauge?.set({ name }, 0);
      loop();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await tick;
      if (leading !== null && lease && (options.releaseOnStop ?? true)) {
        // client-go's release: no holder, so followers take the lease at their next retry.
        const spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 };
        await api
          .put(leasePath, { ...lease, spec })
          .catch((error: unknown) => logger.warn({ err: error }, 'lease release failed'));
      }
      setLeading(null);
    },
    isLeader: () => epoch() !== null,
    epoch,
  };
}
