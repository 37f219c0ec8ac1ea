// Converge bots on fly-sim through the whole operator (Postgres source, work queue, Fly runtime
// with client-side rate limits, sim with the documented limits enforced). Prints wall time
// against the least the limits allow, API calls per bot by route, 429s, duplicates and leaked
// leases. Every bot lives in one app, so the app's create bucket (1/s after a burst of 3) sets
// that least time: 1,000 bots take about 17 minutes.
//   npm run bench:fly                     1,000 bots, no faults
//   BOTS=500 FAULTS=0.2 npm run bench:fly 500 bots with 20% 5xx, 429 and timeouts (each)
import { sql } from 'kysely';
import { createTestDatabase } from '@hmmtrade/db/testing';
import { createFlyRuntime } from '@hmmtrade/operator';
import { botSpec, startTestOperator } from '@hmmtrade/operator/testing';
import { FLY_RATE_LIMITS, startFlySim } from '@hmmtrade/testkit/fly-sim';
import { benchArgs } from './config.ts';
import { appBoundSeconds, bucketSeconds, createToStartedSeconds } from './fly-limit-bound.ts';

const { bots: BOTS, faults: FAULTS } = benchArgs({ bots: 1_000 });
const IMAGE = 'registry.fly.io/hmmtrade-bot:bench';
const APP = 'hmmtrade-bench';
const images = { [IMAGE]: ['sleep', '3600'] };
const baseEnv = { PATH: '/usr/bin:/bin' };
const startSeconds = await createToStartedSeconds(images, baseEnv);
const sim = await startFlySim({
  images,
  baseEnv,
  faults: { errorRatio: FAULTS, rateLimitRatio: FAULTS, timeoutRatio: FAULTS },
  seed: 7,
});
const calls = new Map<string, number>();
let throttled = 0;
const countingFetch: typeof fetch = async (input, init) => {
  const url = new URL(
    typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
  );
  const route = `${init?.method ?? 'GET'} ${url.pathname.replace(/machines\/[^/]+/, 'machines/:id').replace(/apps\/[^/]+/, 'apps/:app')}`;
  calls.set(route, (calls.get(route) ?? 0) + 1);
  const response = await fetch(input, init);
  if (response.status === 429) throttled++;
  return response;
};
const runtime = createFlyRuntime({
  apiUrl: sim.url,
  token: sim.token,
  app: APP,
  orgSlug: 'personal',
  clientOptions: { fetch: countingFetch, requestTimeoutMs: 2_000 },
});

const testDb = await createTestDatabase('postgres');
const { db } = testDb.handle;
const owner = await db
  .insertInto('users')
  .values({ email: 'fly-bench@example.com', password_hash: 'x' })
  .returning('id')
  .executeTakeFirstOrThrow();
const spec = botSpec({
  runtime: { backend: 'fly', image: IMAGE, resources: { cpus: 1, memoryMB: 256 } },
});
await sql`INSERT INTO bots (owner_id, name, source, spec)
  SELECT ${owner.id}, 'bot-' || g, 'api', ${JSON.stringify(spec)}::jsonb FROM generate_series(1, ${BOTS}) AS g`.execute(
  db,
);

const running = async () =>
  Number(
    (
      await sql<{
        n: string;
      }>`SELECT count(*) AS n FROM bots WHERE status->>'phase' = 'Running'`.execute(db)
    ).rows[0]?.n,
  );
const t0 = performance.now();
const { operator, ready } = startTestOperator(testDb.handle, runtime, {
  backend: 'fly',
  concurrency: 32,
  resyncPeriodMs: 3_600_000,
  breaker: { failureThreshold: 1_000_000, openMs: 1_000 },
});
await ready;
while ((await running()) < BOTS) await new Promise((resolve) => setTimeout(resolve, 250));
const seconds = (performance.now() - t0) / 1000;
const createPath = [...calls.values()].reduce((a, b) => a + b, 0);
const createThrottled = throttled;
const appCalls = (route: string): number => calls.get(route) ?? 0;
const measured = {
  create: appCalls('POST /v1/apps/:app/machines'),
  list: appCalls('GET /v1/apps/:app/machines'),
};
const createRoutes = [...calls.entries()]
  .map(([route, n]) => `${route} ${(n / BOTS).toFixed(2)}`)
  .join(', ');

// Steady state: faults off, one full resync of the converged fleet.
sim.clearFaults();
calls.clear();
throttled = 0;
await operator.resync();
await operator.drained();
const steadyCalls = [...calls.values()].reduce((a, b) => a + b, 0);

const machines = sim.machines(APP);
const perBot = new Map<string, number>();
for (const machine of machines) perBot.set(machine.name, (perBot.get(machine.name) ?? 0) + 1);
const duplicates = [...perBot.values()].filter((n) => n > 1).length;
const leased = await countLeases(machines.map((m) => m.id));

// Per app, the create path needs one create per bot and one list (which bots have a machine);
// each app-scoped action has its own bucket, so the slowest bucket sets the bound.
const limit = FLY_RATE_LIMITS.appAction;
const needs = [
  { action: 'create', calls: BOTS },
  { action: 'list', calls: 1 },
];
const bound = appBoundSeconds(needs, limit, startSeconds);
const perBucket = needs
  .map(({ action, calls: n }) => `${action} ${n} → ${bucketSeconds(n, limit).toFixed(1)} s`)
  .join(', ');

console.log(`bots ${BOTS}, faults ${FAULTS * 100}% each of 5xx, 429 and timeouts`);
console.log(`apps: 1 (${APP}) holding all ${BOTS} bots`);
console.log(`converged in ${seconds.toFixed(1)} s (${(BOTS / seconds).toFixed(1)} bots/s)`);
console.log(
  `least the limits allow: ${bound.toFixed(1)} s = slowest app bucket at ${limit.perSecond}/s, burst ${limit.burst} (${perBucket}) + create→started ${(startSeconds * 1000).toFixed(0)} ms`,
);
console.log(`ratio ${(seconds / bound).toFixed(3)}× (goal ≤ 1.2×)`);
console.log(`app-scoped calls made: create ${measured.create}, list ${measured.list}`);
console.log(
  `API calls on the create path: ${createPath} (${(createPath / BOTS).toFixed(2)} per bot), 429s ${createThrottled}`,
);
console.log(`  per bot by route: ${createRoutes}`);
console.log(`steady-state resync: ${steadyCalls} calls, 429s ${throttled}`);
console.log(`machines ${machines.length}, duplicates ${duplicates}, leases still held ${leased}`);

await operator.stop();
await sim.stop();
await testDb.dispose();

async function countLeases(ids: string[]): Promise<number> {
  let held = 0;
  for (const id of ids) {
    const res = await fetch(`${sim.url}/v1/apps/${APP}/machines/${id}/lease`, {
      headers: { authorization: `Bearer ${sim.token}` },
    });
    if (res.status === 200) held++;
  }
  return held;
}
