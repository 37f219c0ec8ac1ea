import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

/** In-flight work as seen at scrape time. */
export interface InFlightSample {
  /** Sum of how long each in-flight handler has been running. */
  unfinishedSeconds: number;
  /** How long the oldest in-flight handler has been running. */
  longestSeconds: number;
}

/**
 * client-go / controller-runtime workqueue metrics for one queue, bound to its `name` label.
 * The work queue calls these; the families live on the registry given to `createQueueMetrics`.
 */
export interface QueueMetrics {
  /** The `name` label value. */
  readonly name: string;
  /** A key was accepted (not coalesced into one already waiting). */
  added(): void;
  depth(keys: number): void;
  /** A key started; `queuedSeconds` is the time since it was added. */
  started(queuedSeconds: number): void;
  finished(workSeconds: number): void;
  /** A failed key was requeued with backoff. */
  retried(): void;
  /** Feeds `workqueue_unfinished_work_seconds` and `workqueue_longest_running_processor_seconds`. */
  track(sample: () => InFlightSample): void;
}

// controller-runtime's buckets: prometheus.ExponentialBuckets(10e-9, 10, 12).
const BUCKETS = Array.from({ length: 12 }, (_, i) => Number(`1e${i - 8}`));

const samplers = new WeakMap<Registry, Map<string, () => InFlightSample>>();

/**
 * Registers the workqueue metric families on `registry` (never the global one), or reuses them
 * when another queue already did, and returns them bound to `name`.
 */
export function createQueueMetrics(registry: Registry, name: string): QueueMetrics {
  const labelNames = ['name'] as const;
  const labels = { name };
  let registrySamplers = samplers.get(registry);
  if (!registrySamplers) {
    registrySamplers = new Map();
    samplers.set(registry, registrySamplers);
  }
  const sampled = registrySamplers;
  const inFlightGauge = (metric: string, help: string, pick: (s: InFlightSample) => number) =>
    family(
      registry,
      metric,
      () =>
        new Gauge({
          name: metric,
          help,
          labelNames,
          registers: [registry],
          collect() {
            for (const [queue, sample] of sampled) this.set({ name: queue }, pick(sample()));
          },
        }),
    );

  const depth = family(registry, 'workqueue_depth', () => {
    return new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of workqueue',
      labelNames,
      registers: [registry],
    });
  });
  const adds = family(registry, 'workqueue_adds_total', () => {
    return new Counter({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by workqueue',
      labelNames,
      registers: [registry],
    });
  });
  const queueDuration = family(registry, 'workqueue_queue_duration_seconds', () => {
    return new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames,
      buckets: BUCKETS,
      registers: [registry],
    });
  });
  const workDuration = family(registry, 'workqueue_work_duration_seconds', () => {
    return new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes.',
      labelNames,
      buckets: BUCKETS,
      registers: [registry],
    });
  });
  const retries = family(registry, 'workqueue_retries_total', () => {
    return new Counter({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by workqueue',
      labelNames,
      registers: [registry],
    });
  });
  inFlightGauge(
    'workqueue_unfinished_work_seconds',
    'How many seconds of work has been done that is in progress and has not been observed by ' +
      'work_duration. Large values indicate stuck threads.',
    (s) => s.unfinishedSeconds,
  );
  inFlightGauge(
    'workqueue_longest_running_processor_seconds',
    'How many seconds has the longest running processor for workqueue been running.',
    (s) => s.longestSeconds,
  );

  // Export every series from the start, so dashboards see zeros rather than gaps.
  depth.set(labels, 0);
  adds.inc(labels, 0);
  retries.inc(labels, 0);
  queueDuration.zero(labels);
  workDuration.zero(labels);
  sampled.set(name, () => ({ unfinishedSeconds: 0, longestSeconds: 0 }));

  return {
    name,
    added: () => adds.inc(labels),
    depth: (keys) => depth.set(labels, keys),
    started: (seconds) => queueDuration.observe(labels, seconds),
    finished: (seconds) => workDuration.observe(labels, seconds),
    retried: () => retries.inc(labels),
    track: (sample) => void sampled.set(name, sample),
  };
}

function family<T>(registry: Registry, metric: string, create: () => T): T {
  return (registry.getSingleMetric(metric) as T | undefined) ?? create();
}
