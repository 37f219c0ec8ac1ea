import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hmmtrade/db/testing';
import { createFlyRuntime } from '@hmmtrade/operator';
import {
  botSpec,
  eventually,
  loadBots,
  seedBots,
  startTestOperator,
} from '@hmmtrade/operator/testing';
import { startFlySim, type FlySim } from '@hmmtrade/testkit/fly-sim';

const IMAGE = 'registry.fly.io/hmmtrade-bot:outage';
// The outage is the subject here, not pacing: the app's create and list buckets are 20/s on
// both sides, so the 20 machines are made in a second rather than the ~18 s that Fly's
// documented 1/s per app allows (the Fly benchmark runs those).
const APP_LIMIT = { perSecond: 20, burst: 20 };

// DESIGN §5: a Fly outage is reported, never acted on. No machine is destroyed, no bot is
// marked Failed, and everything converges again once the API answers.
describe('operator through a full Fly outage', () => {
  let testDb: TestDatabase;
  let sim: FlySim;
  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    sim = await startFlySim({
      images: { [IMAGE]: ['sleep', '3600'] },
      baseEnv: { PATH: '/usr/bin:/bin' },
      rateLimits: { appAction: APP_LIMIT },
    });
  });
  afterAll(async () => {
    await sim?.stop();
    await testDb?.dispose();
  });

  it('marks BackendAvailable=False, keeps every machine, and converges after recovery', async () => {
    const { db } = testDb.handle;
    const spec = botSpec({
      runtime: { backend: 'fly', image: IMAGE, resources: { cpus: 1, memoryMB: 256 } },
    });
    const ids = await seedBots(db, 20, () => spec);
    const runtime = createFlyRuntime({
      apiUrl: sim.url,
      token: sim.token,
      app: 'outage',
      orgSlug: 'personal',
      clientOptions: {
        requestTimeoutMs: 1_000,
        retry: { maxAttempts: 2 },
        rateLimits: {
          appAction: { ratePerSecond: APP_LIMIT.perSecond, burst: APP_LIMIT.burst - 1 },
        },
      },
    });
    const { operator, ready } = startTestOperator(testDb.handle, runtime, {
      backend: 'fly',
      breaker: { failureThreshold: 3, openMs: 300 },
    });
    await ready;
    try {
      await eventually(
        async () => {
          const bots = await loadBots(db);
          for (const id of ids) expect(bots.get(id)?.status.phase).toBe('Running');
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      const machinesBefore = sim
        .machines('outage')
        .map((m) => m.id)
        .sort();

      sim.setFaults({ outage: true });
      await operator.resync();
      await eventually(
        async () => {
          for (const bot of (await loadBots(db)).values()) {
            expect(bot.status.conditions?.find((c) => c.type === 'BackendAvailable')).toMatchObject(
              { status: 'False', reason: 'BackendUnavailable' },
            );
            expect(bot.status.phase).not.toBe('Failed');
          }
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      expect(
        sim
          .machines('outage')
          .map((m) => m.id)
          .sort(),
      ).toEqual(machinesBefore);

      sim.clearFaults();
      await eventually(
        async () => {
          for (const bot of (await loadBots(db)).values()) {
            expect(bot.status.phase).toBe('Running');
            expect(bot.status.conditions?.find((c) => c.type === 'BackendAvailable')?.status).toBe(
              'True',
            );
          }
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      expect(
        sim
          .machines('outage')
          .map((m) => m.id)
          .sort(),
      ).toEqual(machinesBefore);
    } finally {
      await operator.stop();
    }
  }, 180_000);
});
