import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { API_VERSION, KIND, validateTradingBotSpec } from '@hmmtrade/crds';
import type { Database } from '@hmmtrade/db';
import type { Logger, Registry } from '@hmmtrade/platform';
import type { Kysely } from 'kysely';
import { createLeaseLeaderElector } from './leader/lease-leader.ts';
import { createOperator, type Operator } from './operator.ts';
import { createCircuitBreaker } from './queue/circuit-breaker.ts';
import { createNyseCalendar } from './reconcile/market-calendar.ts';
import { DEFAULT_STOP } from './reconcile/plan.ts';
import { guardRuntime } from './runtimes/guarded-runtime.ts';
import { createKubernetesRuntime } from './runtimes/kubernetes/index.ts';
import { createCrdSource } from './sources/crd-source.ts';
import { everyoneEntitled } from './sources/entitlements.ts';
import { createEventRecorder } from './sources/kubernetes/event-recorder.ts';
import { mirrorToPostgres } from './sources/kubernetes/postgres-mirror.ts';
import { createTradingBotClient } from './sources/kubernetes/trading-bot-client.ts';

/** Settings of the operator in a cluster. */
export interface KubernetesOperatorSettings {
  /** Namespace of the TradingBots, their pods and the leader Lease. */
  namespace: string;
  apiUrl: string;
  identity?: string;
  concurrency?: number;
  resyncPeriodMs?: number;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  mintMachineToken?: (botId: string) => Promise<string>;
}

/**
 * The self-hosted operator (DESIGN §8): TradingBots from the apiserver (mirrored into Postgres
 * when a database is given, so the dashboard shows them), a Lease for leader election, and one
 * Pod per bot in the same namespace, owned by its TradingBot.
 */
export function assembleKubernetesOperator(deps: {
  kubeConfig: KubeConfig;
  db?: Kysely<Database>;
  logger: Logger;
  registry: Registry;
  settings: KubernetesOperatorSettings;
}): Operator {
  const { kubeConfig, settings, logger } = deps;
  const identity = settings.identity ?? `${hostname()}:${process.pid}`;
  const leader = createLeaseLeaderElector({
    kubeConfig,
    namespace: settings.namespace,
    identity,
    logger,
    registry: deps.registry,
    ...(settings.leaseDurationMs ? { leaseDurationMs: settings.leaseDurationMs } : {}),
    ...(settings.renewDeadlineMs ? { renewDeadlineMs: settings.renewDeadlineMs } : {}),
    ...(settings.retryPeriodMs ? { retryPeriodMs: settings.retryPeriodMs } : {}),
  });
  const source = createCrdSource({
    client: createTradingBotClient(kubeConfig, { namespace: settings.namespace }),
    leader,
    logger,
    events: createEventRecorder({ kubeConfig, instance: identity, logger }),
    ...(deps.db ? { mirror: mirrorToPostgres(deps.db) } : {}),
  });
  const runtime = createKubernetesRuntime({
    kubeConfig,
    namespace: settings.namespace,
    logger,
    ownerFor: (botId) => {
      const object = source.object(botId);
      const { name, uid } = object?.metadata ?? {};
      return name && uid ? { apiVersion: API_VERSION, kind: KIND, name, uid } : undefined;
    },
    secretRefFor: (botId) => {
      const spec = validateTradingBotSpec(source.object(botId)?.spec);
      const ref = spec.ok ? spec.spec.broker.secretRef : undefined;
      return ref
        ? { name: ref.name, keyIdKey: ref.keyIdKey, secretKeyKey: ref.secretKeyKey }
        : undefined;
    },
  });
  const breaker = createCircuitBreaker({ failureThreshold: 5, openMs: 10_000 });
  return createOperator({
    source,
    runtime: guardRuntime(runtime, { breaker, registry: deps.registry }),
    backend: 'kubernetes',
    leader,
    entitlements: everyoneEntitled,
    calendar: createNyseCalendar(),
    instanceDefaults: { apiUrl: settings.apiUrl, stop: DEFAULT_STOP },
    logger,
    registry: deps.registry,
    ...(settings.concurrency ? { concurrency: settings.concurrency } : {}),
    ...(settings.resyncPeriodMs ? { resyncPeriodMs: settings.resyncPeriodMs } : {}),
    ...(settings.mintMachineToken ? { mintMachineToken: settings.mintMachineToken } : {}),
  });
}
