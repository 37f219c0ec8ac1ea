import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { BOT_PHASES } from '@hmmtrade/crds';
import type { BotSource } from '../sources/bot-source.ts';

/** Reconcile outcomes, as controller-runtime labels them. */
export type ReconcileResult = 'success' | 'error' | 'requeue' | 'requeue_after';

/** The reconciler's metrics (DESIGN §9: controller-runtime names plus `hmmtrade_bots`). */
export interface ControllerMetrics {
  observe(result: ReconcileResult, seconds: number): void;
}

export function createControllerMetrics(
  registry: Registry,
  controller: string,
  source: BotSource,
): ControllerMetrics {
  const total = new Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'],
    registers: [registry],
  });
  const time = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
    registers: [registry],
  });
  new Gauge({
    name: 'hmmtrade_bots',
    help: 'Bots known to the operator, by phase',
    labelNames: ['phase'],
    registers: [registry],
    collect() {
      const counts = new Map<string, number>(BOT_PHASES.map((phase) => [phase, 0]));
      for (const id of source.ids()) {
        const phase = source.get(id)?.status.phase ?? 'Pending';
        counts.set(phase, (counts.get(phase) ?? 0) + 1);
      }
      for (const [phase, count] of counts) this.set({ phase }, count);
    },
  });
  return {
    observe(result, seconds) {
      total.inc({ controller, result });
      if (result === 'error') errors.inc({ controller });
      time.observe({ controller }, seconds);
    },
  };
}
