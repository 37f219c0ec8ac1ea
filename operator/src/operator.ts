import type { Backend } from '@hmmtrade/crds';
import type { Logger, Registry } from '@hmmtrade/platform';
import { createBotReconciler } from './controller/bot-reconciler.ts';
import { createControllerMetrics } from './controller/controller-metrics.ts';
import { collectOrphans } from './controller/orphan-collector.ts';
import type { LeaderElector } from './leader/leader-elector.ts';
import type { Clock } from './queue/clock.ts';
import { createQueueMetrics } from './queue/queue-metrics.ts';
import type { WorkQueue } from './queue/types.ts';
import { createWorkQueue } from './queue/work-queue.ts';
import type { InstanceDefaults } from './reconcile/desired-instance.ts';
import type { MarketCalendar } from './reconcile/market-calendar.ts';
import type { BotRuntime } from './runtimes/runtime.ts';
import type { BotSource } from './sources/bot-source.ts';
import type { Entitlements } from './sources/entitlements.ts';

/** Everything the operator is assembled from. */
export interface OperatorDeps {
  source: BotSource;
  /** The runtime, already guarded (breaker, rate limit) by the caller. */
  runtime: BotRuntime;
  backend: Backend;
  leader: LeaderElector;
  entitlements: Entitlements;
  calendar: MarketCalendar;
  instanceDefaults: InstanceDefaults;
  logger: Logger;
  registry: Registry;
  /** Keys reconciled at once (default 8). */
  concurrency?: number;
  /** Full relist + orphan collection period (default 60 s). */
  resyncPeriodMs?: number;
  clock?: Clock;
  /** Mints bots' machine JWTs (see ReconcilerDeps). */
  mintMachineToken?: (botId: string) => Promise<string>;
  /** Called after every reconcile with its duration (benchmarks, tracing). */
  onReconciled?: (botId: string, seconds: number, ok: boolean) => void;
}

/** A running operator. */
export interface Operator {
  start(): Promise<void>;
  stop(): Promise<void>;
  isLeader(): boolean;
  /** Resolves when the queue has nothing waiting or in flight (tests, benchmarks). */
  drained(): Promise<void>;
  /** Relists, requeues every bot and collects orphans now. */
  resync(): Promise<void>;
}

/**
 * The reconciler process: the source's cache runs always; the work queue, resync and orphan
 * collection run only while this process leads. Losing leadership stops mutating at once.
 */
export function createOperator(deps: OperatorDeps): Operator {
  const logger = deps.logger.child({ component: 'operator' });
  const queueMetrics = createQueueMetrics(deps.registry, 'tradingbot');
  const controllerMetrics = createControllerMetrics(deps.registry, 'tradingbot', deps.source);
  const now = deps.clock ? () => new Date(deps.clock!.now()) : () => new Date();
  let queue: WorkQueue | undefined;
  let resyncTimer: NodeJS.Timeout | undefined;

  const reconcile = createBotReconciler({
    source: deps.source,
    runtime: deps.runtime,
    backend: deps.backend,
    entitlements: deps.entitlements,
    calendar: deps.calendar,
    instanceDefaults: deps.instanceDefaults,
    now,
    epoch: () => deps.leader.epoch(),
    logger,
    ...(deps.mintMachineToken ? { mintMachineToken: deps.mintMachineToken } : {}),
  });
  const timedReconcile = async (botId: string) => {
    const started = performance.now();
    try {
      const result = await reconcile(botId);
      const seconds = elapsed(started);
      controllerMetrics.observe(result?.requeueAfterMs ? 'requeue_after' : 'success', seconds);
      deps.onReconciled?.(botId, seconds, true);
      return result;
    } catch (error) {
      const seconds = elapsed(started);
      controllerMetrics.observe('error', seconds);
      deps.onReconciled?.(botId, seconds, false);
      logger.warn({ bot_id: botId, err: error }, 'reconcile failed');
      throw error;
    }
  };

  const resync = async () => {
    await deps.source.resync();
    if (!deps.leader.isLeader()) return;
    // A failing backend must not stop the relist from requeueing every bot; GC retries next time.
    await collectOrphans({ source: deps.source, runtime: deps.runtime, logger }).then(
      (collected) =>
        collected.length && logger.info({ count: collected.length }, 'orphans collected'),
      (error: unknown) => logger.warn({ err: error }, 'orphan collection failed'),
    );
  };
  const scheduleResync = () => {
    resyncTimer = setTimeout(() => {
      resync()
        .catch((error: unknown) => logger.warn({ err: error }, 'resync failed'))
        .finally(() => {
          if (queue) scheduleResync();
        });
    }, deps.resyncPeriodMs ?? 60_000);
  };

  const startLeading = (epoch: number) => {
    logger.info({ epoch }, 'leading: reconciling every bot');
    const term = createWorkQueue({
      concurrency: deps.concurrency ?? 8,
      metrics: queueMetrics,
      ...(deps.clock ? { clock: deps.clock } : {}),
    });
    queue = term;
    term.start(timedReconcile);
    void resync().catch((error: unknown) => logger.warn({ err: error }, 'initial resync failed'));
    scheduleResync();
  };
  const stopLeading = () => {
    logger.warn('not leading: stopped reconciling');
    clearTimeout(resyncTimer);
    const term = queue;
    queue = undefined;
    void term?.stop();
  };

  return {
    async start() {
      await deps.source.start((botId) => queue?.add(botId));
      // A backend that is down now is retried by every reconcile, which reads the runtime anyway.
      await deps.runtime
        .watch?.((botId) => {
          if (deps.source.get(botId)) queue?.add(botId, 'low');
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'runtime cache not filled yet'));
      deps.leader.start({ onStartedLeading: startLeading, onStoppedLeading: stopLeading });
    },
    async stop() {
      const term = queue;
      await deps.leader.stop();
      await term?.stop({ timeoutMs: 30_000 });
      await deps.source.stop();
      await deps.runtime.close?.();
    },
    isLeader: () => deps.leader.isLeader(),
    drained: () => queue?.drained() ?? Promise.resolve(),
    resync,
  };
}

function elapsed(startedMs: number): number {
  return (performance.now() - startedMs) / 1000;
}
