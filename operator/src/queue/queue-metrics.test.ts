import { Registry, register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createQueueMetrics } from './queue-metrics.ts';
import { createControlledHandler } from './testing/controlled-handler.ts';
import { createFakeClock } from './testing/fake-clock.ts';
import { createWorkQueue } from './work-queue.ts';

interface Sample {
  value: number;
  labels: Partial<Record<string, string | number>>;
  /** Set on histogram samples: `<name>_bucket`, `_sum` or `_count`. */
  metricName?: string;
}

async function values(registry: Registry, metric: string): Promise<Sample[]> {
  const found = registry.getSingleMetric(metric);
  if (!found) throw new Error(`${metric} is not registered`);
  return (await found.get()).values;
}

async function value(registry: Registry, metric: string, name = 'tradingbot') {
  const all = await values(registry, metric);
  return all.find((v) => v.labels.name === name && v.labels.le === undefined)?.value;
}

async function histogram(registry: Registry, metric: string, name = 'tradingbot') {
  const all = await values(registry, metric);
  const pick = (suffix: string) =>
    all.find((v) => v.labels.name === name && v.metricName === `${metric}_${suffix}`)?.value;
  return { count: pick('count'), sum: pick('sum') };
}

describe('createQueueMetrics', () => {
  it('moves the workqueue metrics as the queue works', async () => {
    const registry = new Registry();
    const clock = createFakeClock();
    const metrics = createQueueMetrics(registry, 'tradingbot');
    const queue = createWorkQueue({ clock, metrics, concurrency: 1, backoff: { jitter: false } });
    const work = createControlledHandler();

    queue.add('a');
    queue.add('a');
    queue.add('b');
    expect(await value(registry, 'workqueue_adds_total')).toBe(2);
    expect(await value(registry, 'workqueue_depth')).toBe(2);

    await clock.advance(3000);
    queue.start(work.handler);
    await clock.advance(2000);
    expect(await value(registry, 'workqueue_depth')).toBe(1);
    expect(await histogram(registry, 'workqueue_queue_duration_seconds')).toEqual({
      count: 1,
      sum: 3,
    });
    expect(await value(registry, 'workqueue_unfinished_work_seconds')).toBe(2);
    expect(await value(registry, 'workqueue_longest_running_processor_seconds')).toBe(2);

    work.fail('a');
    await clock.flush();
    expect(await value(registry, 'workqueue_retries_total')).toBe(1);
    expect(await histogram(registry, 'workqueue_work_duration_seconds')).toEqual({
      count: 1,
      sum: 2,
    });
    expect(await value(registry, 'workqueue_unfinished_work_seconds')).toBe(0);
  });

  it('registers only on the given registry, shared by several named queues', async () => {
    const registry = new Registry();
    const clock = createFakeClock();
    createWorkQueue({ clock, metrics: createQueueMetrics(registry, 'tradingbot') }).add('x');
    createWorkQueue({ clock, metrics: createQueueMetrics(registry, 'orphans') }).add('y');
    const depth = await values(registry, 'workqueue_depth');
    expect(depth.map((v) => [v.labels.name, v.value])).toEqual([
      ['tradingbot', 1],
      ['orphans', 1],
    ]);
    expect(register.getSingleMetric('workqueue_depth')).toBeUndefined();
    expect(await registry.metrics()).toContain(
      'workqueue_unfinished_work_seconds{name="orphans"} 0',
    );
  });

  it('refuses a queue name that differs from its metrics’ label', () => {
    const metrics = createQueueMetrics(new Registry(), 'tradingbot');
    expect(() => createWorkQueue({ metrics, name: 'other' })).toThrow(/differs/);
    expect(createWorkQueue({ metrics }).name).toBe('tradingbot');
  });
});
