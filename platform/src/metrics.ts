import { Registry, collectDefaultMetrics } from 'prom-client';

export type { Registry } from 'prom-client';

/** Options for a deployable's metrics registry. */
export interface MetricsRegistryOptions {
  /** Collect process and Node.js runtime metrics (CPU, RSS, event loop lag); default true. */
  defaultMetrics?: boolean;
  /** Labels added to every series, e.g. `{ app: 'operator' }`. */
  defaultLabels?: Record<string, string>;
}

/** A fresh prom-client registry (never the global one, so tests and processes stay isolated). */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
