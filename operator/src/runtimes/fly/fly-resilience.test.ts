import { afterEach, describe, expect, it } from 'vitest';
import type { FlySimOptions } from '@hmmtrade/testkit/fly-sim';
import { desiredInstance } from '../testing/desired-instance.ts';
import type { BotRuntime } from '../runtime.ts';
import { createFlyRuntime } from './fly-runtime.ts';
import type { FlyRuntimeOptions } from './fly-runtime.ts';
import { flyUnderTest, SIM_APP } from './testing/sim-harness.ts';
import type { FlyUnderTest } from './testing/sim-harness.ts';

const BOTS = Array.from({ length: 30 }, (_, i) => `bot-${String(i).padStart(2, '0')}`);

/**
 * Quick timeouts and retries, so injected hangs cost little. Both operators create and list in
 * one app, whose buckets the sim shares between them: at the documented 1/s this test would
 * measure that limit rather than the faults, so the app buckets are 20/s here (10/s each side).
 */
const SIM_APP_LIMIT: FlySimOptions['rateLimits'] = { appAction: { perSecond: 20, burst: 20 } };
const TUNING: Partial<FlyRuntimeOptions> = {
  startWaitSeconds: 2,
  clientOptions: {
    requestTimeoutMs: 1_000,
    retry: { maxAttempts: 3, baseMs: 50, maxMs: 400 },
    rateLimits: { appAction: { ratePerSecond: 10, burst: 9 } },
  },
};

/** One level-triggered pass for a bot, as the reconciler does it; true once it runs. */
async function reconcileOnce(runtime: BotRuntime, botId: string): Promise<boolean> {
  const seen = await runtime.observe(botId);
  if (!seen) {
    await runtime.create(desiredInstance(botId));
    return false;
  }
  if (seen.state === 'running') return true;
  if (seen.state === 'stopped' || seen.state === 'crashed') await runtime.start(botId);
  return false;
}

let made: FlyUnderTest | undefined;
afterEach(async () => {
  await made?.teardown();
  made = undefined;
});

describe('fly runtime under injected faults', () => {
  it('two operators converge 30 bots through 5xx, 429, timeouts and lost answers, one machine each', async () => {
    made = await flyUnderTest({ seed: 20260302, rateLimits: SIM_APP_LIMIT }, TUNING);
    const { sim } = made;
    // A second operator on the same app: only the machine name and leases keep them apart.
    const rival = createFlyRuntime({
      ...TUNING,
      clientOptions: { ...TUNING.clientOptions, fetch: made.fetch },
      apiUrl: sim.url,
      token: sim.token,
      app: SIM_APP,
      orgSlug: 'personal',
    });
    sim.setFaults({
      errorRatio: 0.2,
      rateLimitRatio: 0.2,
      timeoutRatio: 0.2,
      lostResponseRatio: 0.1,
    });

    const converged = new Set<string>();
    let failures = 0;
    const deadline = Date.now() + 150_000;
    while (converged.size < BOTS.length && Date.now() < deadline) {
      const pending = BOTS.filter((botId) => !converged.has(botId));
      const passes = pending.flatMap((botId) =>
        [made?.runtime, rival].map(async (runtime) => {
          if (!runtime) return;
          try {
            if (await reconcileOnce(runtime, botId)) converged.add(botId);
          } catch {
            failures++;
          }
        }),
      );
      await Promise.all(passes);
    }
    sim.clearFaults();

    expect(failures).toBeGreaterThan(0);
    expect([...converged].sort()).toEqual(BOTS);
    const machines = sim.machines(SIM_APP);
    const perBot = new Map<string, string[]>();
    for (const machine of machines) {
      const botId = machine.metadata.hmmtrade_bot_id ?? '(none)';
      perBot.set(botId, [...(perBot.get(botId) ?? []), machine.name]);
    }
    expect([...perBot.keys()].sort()).toEqual(BOTS);
    for (const [botId, names] of perBot) expect(names).toEqual([`bot-${botId}`]);
    expect(machines).toHaveLength(BOTS.length);
    expect(machines.every((machine) => machine.state === 'started')).toBe(true);
    const listed = await made.runtime.list();
    expect(listed.map((instance) => instance.botId).sort()).toEqual(BOTS);
  }, 240_000);
});
