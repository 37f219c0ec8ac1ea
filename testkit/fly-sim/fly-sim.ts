import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { listen } from '@hmmtrade/platform';
import { createFaultInjector } from './faults.ts';
import { createMachineExecutor } from './machine-executor.ts';
import { createMachineLifecycle } from './machine-lifecycle.ts';
import { simMachineView } from './machine-view.ts';
import { createRateLimiter, FLY_RATE_LIMITS } from './rate-limiter.ts';
import type { SimContext } from './route-helpers.ts';
import { drawLatency, seededRandom } from './seeded-random.ts';
import { createSimApp } from './sim-app.ts';
import { createSimStore } from './sim-store.ts';
import type { FlySim, FlySimOptions, FlySimRateLimits } from './types.ts';

const DEFAULT_TRANSITION_MS = { min: 5, max: 30 };
const DEFAULT_WAIT_NOT_FOUND_MS = 50;

function rateLimitsOf(option: FlySimOptions['rateLimits']): FlySimRateLimits | null {
  if (option === false) return null;
  if (option === true || option === undefined) return FLY_RATE_LIMITS;
  return { ...FLY_RATE_LIMITS, ...option };
}

/**
 * Starts a Fly Machines API sim on `host:port` (default 127.0.0.1, a free port). Machines run
 * their image's command as local processes; `stop()` kills them all and closes the server.
 */
export async function startFlySim(options: FlySimOptions = {}): Promise<FlySim> {
  if (options.token === '') throw new Error('fly-sim: token must not be empty');
  const ownsStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'fly-sim-'));
  mkdirSync(stateDir, { recursive: true });
  const seed = options.seed ?? randomInt(2 ** 31);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const faults = createFaultInjector(options.faults ?? {}, seed);
  const jitter = seededRandom(seed ^ 0x5bd1e995);
  const shutdown = new AbortController();
  const transitionMs = options.transitionMs ?? DEFAULT_TRANSITION_MS;

  const store = createSimStore(Date.now, () => performance.now());
  const executor = createMachineExecutor(stateDir);
  const lifecycle = createMachineLifecycle({
    store,
    executor,
    images: options.images ?? {},
    baseEnv: options.baseEnv ?? {},
    step: () => sleep(drawLatency(transitionMs, jitter), undefined, { signal: shutdown.signal }),
  });
  const limits = rateLimitsOf(options.rateLimits);
  const ctx: SimContext = {
    store,
    lifecycle,
    limiter: limits ? createRateLimiter(limits) : null,
    now: Date.now,
    monotonic: () => performance.now(),
    defaultRegion: options.defaultRegion ?? 'iad',
    waitNotFoundMs: options.waitNotFoundMs ?? DEFAULT_WAIT_NOT_FOUND_MS,
    leaseOwner: 'fly-sim@hmmtrade.test',
  };
  const server = await listen(createSimApp(ctx, faults, token), {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
  });

  let stopping: Promise<void> | null = null;
  return {
    url: server.url,
    token,
    setFaults: (patch) => faults.set(patch),
    clearFaults: () => faults.clear(),
    machines(app) {
      const apps = app === undefined ? store.allApps() : store.hasApp(app) ? [app] : [];
      return apps.flatMap((name) => store.machinesOf(name, false).map(simMachineView));
    },
    output: (app, machineId) => executor.output(app, machineId),
    stop() {
      stopping ??= (async () => {
        shutdown.abort();
        faults.dropHeld();
        await lifecycle.shutdown();
        await server.close();
        if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
