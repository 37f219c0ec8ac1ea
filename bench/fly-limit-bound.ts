// The least wall time Fly's documented limits allow for converging bots, and how long one machine
// takes from create to started on the sim (the part of that bound the limits do not set).
import { startFlySim } from '@hmmtrade/testkit/fly-sim';
import type { FlySimOptions, SimBucketLimit } from '@hmmtrade/testkit/fly-sim';

/** One app-scoped bucket the create path needs: an action and how many calls of it. */
export interface BucketNeed {
  action: string;
  calls: number;
}

/** A bucket of `limit` lets `calls` calls through in no less than this (the burst goes at once). */
export const bucketSeconds = (calls: number, limit: SimBucketLimit): number =>
  Math.max(0, calls - limit.burst) / limit.perSecond;

/**
 * The bound for one app: its buckets fill in parallel, so the slowest one sets it, and the last
 * machine created still has to start.
 */
export function appBoundSeconds(
  needs: readonly BucketNeed[],
  limit: SimBucketLimit,
  startSeconds: number,
): number {
  return Math.max(0, ...needs.map((need) => bucketSeconds(need.calls, limit))) + startSeconds;
}

/**
 * How long a machine takes from create to `started` on the sim (median of `samples`): measured
 * on a sim of its own with the same images and no limits, so no bucket and no 404 window of the
 * wait (Fly's, right after create) adds to it.
 */
export async function createToStartedSeconds(
  images: FlySimOptions['images'],
  baseEnv: FlySimOptions['baseEnv'],
  samples = 5,
): Promise<number> {
  const sim = await startFlySim({ images, baseEnv, rateLimits: false, waitNotFoundMs: 0 });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sim.url}/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`probe ${method} ${path}: ${response.status}`);
    return (await response.json()) as { id?: string };
  };
  const image = Object.keys(images ?? {})[0];
  const seconds: number[] = [];
  try {
    await call('POST', '/apps', { name: 'probe', org_slug: 'personal' });
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      const { id } = await call('POST', '/apps/probe/machines', { config: { image } });
      await call('GET', `/apps/probe/machines/${id}/wait?state=started&timeout=30`);
      seconds.push((performance.now() - t0) / 1000);
    }
  } finally {
    await sim.stop();
  }
  return seconds.sort((a, b) => a - b)[Math.floor(samples / 2)] ?? 0;
}
