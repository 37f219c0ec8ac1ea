import { hostname } from 'node:os';
import type { Backend } from '@hmmtrade/crds';
import type { DbHandle } from '@hmmtrade/db';
import type { Logger, Registry } from '@hmmtrade/platform';
import { createPostgresLeaderElector } from './leader/postgres-leader.ts';
import { createOperator, type Operator, type OperatorDeps } from './operator.ts';
import { createCircuitBreaker } from './queue/circuit-breaker.ts';
import { createRateLimiter } from './queue/rate-limiter.ts';
import type { InstanceDefaults } from './reconcile/desired-instance.ts';
import { createNyseCalendar, type MarketCalendar } from './reconcile/market-calendar.ts';
import { DEFAULT_STOP } from './reconcile/plan.ts';
import { guardRuntime } from './runtimes/guarded-runtime.ts';
import type { BotRuntime } from './runtimes/runtime.ts';
import {
  createInProcessChangeFeed,
  createPgNotifyChangeFeed,
  type BotChangeFeed,
} from './sources/change-feed.ts';
import { everyoneEntitled, type Entitlements } from './sources/entitlements.ts';
import { createPostgresSource } from './sources/postgres-source.ts';

/** Tunables of an operator on Postgres. */
export interface OperatorSettings {
  /** Backend name reported in status (`local` for the local runtime; tests use `local` too). */
  backend: Backend;
  apiUrl: string;
  concurrency?: number;
  resyncPeriodMs?: number;
  /** Runtime-wide rate limit of backend calls; unlimited when absent. */
  runtimeRatePerSecond?: number;
  /** Consecutive backend failures that open the circuit breaker (default 5) and for how long. */
  breaker?: { failureThreshold?: number; openMs?: number };
  leaderRetryPeriodMs?: number;
  identity?: string;
  entitlements?: Entitlements;
  calendar?: MarketCalendar;
  /** Wake-up feed; default: LISTEN/NOTIFY, or in-process for the embedded database. */
  feed?: BotChangeFeed;
  onReconciled?: OperatorDeps['onReconciled'];
  mintMachineToken?: OperatorDeps['mintMachineToken'];
}

/**
 * The operator on a database: Postgres source with its change feed, Postgres leader election,
 * the runtime guarded by a breaker and a rate limit. One assembly for the CLI, tests and
 * benchmarks.
 */
export function assembleOperator(deps: {
  database: DbHandle;
  runtime: BotRuntime;
  logger: Logger;
  registry: Registry;
  settings: OperatorSettings;
}): Operator {
  const { database, settings, logger } = deps;
  const feed =
    settings.feed ??
    (database.embedded
      ? createInProcessChangeFeed()
      : createPgNotifyChangeFeed({ connectionString: database.connectionString, logger }));
  const breaker = createCircuitBreaker({
    failureThreshold: settings.breaker?.failureThreshold ?? 5,
    openMs: settings.breaker?.openMs ?? 10_000,
  });
  breaker.onStateChange((state, previous) =>
    logger.warn({ backend: settings.backend, state, previous }, 'runtime circuit breaker'),
  );
  const runtime = guardRuntime(deps.runtime, {
    breaker,
    registry: deps.registry,
    ...(settings.runtimeRatePerSecond
      ? {
          limiter: createRateLimiter({
            ratePerSecond: settings.runtimeRatePerSecond,
            burst: Math.max(1, Math.ceil(settings.runtimeRatePerSecond)),
          }),
        }
      : {}),
  });
  const instanceDefaults: InstanceDefaults = { apiUrl: settings.apiUrl, stop: DEFAULT_STOP };
  return createOperator({
    source: createPostgresSource({ db: database.db, feed }),
    runtime,
    backend: settings.backend,
    leader: createPostgresLeaderElector({
      connectionString: database.connectionString,
      identity: settings.identity ?? `${hostname()}:${process.pid}`,
      logger,
      registry: deps.registry,
      ...(settings.leaderRetryPeriodMs ? { retryPeriodMs: settings.leaderRetryPeriodMs } : {}),
    }),
    entitlements: settings.entitlements ?? everyoneEntitled,
    calendar: settings.calendar ?? createNyseCalendar(),
    instanceDefaults,
    logger,
    registry: deps.registry,
    ...(settings.concurrency ? { concurrency: settings.concurrency } : {}),
    ...(settings.resyncPeriodMs ? { resyncPeriodMs: settings.resyncPeriodMs } : {}),
    ...(settings.onReconciled ? { onReconciled: settings.onReconciled } : {}),
    ...(settings.mintMachineToken ? { mintMachineToken: settings.mintMachineToken } : {}),
  });
}
