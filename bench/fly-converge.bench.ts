// Converge bots on fly-sim through the whole operator (Postgres source, work queue, Fly runtime
// with client-side rate limits, sim with the documented limits enforced). Prints wall time, API
// calls per bot by route, 429s, duplicates and leaked leases.
//   npm run bench:fly                     1,000 bots, no faults
//   BOTS=500 FAULTS=0.2 npm run bench:fly 500 bots with 20% 5xx, 429 and timeouts (each)
import { sql } from 'kysely';
import { createTestDatabase } from '@hmmtrade/db/testing';
import { createFlyRuntime } from '@hmmtrade/operator';
import { botSpec, startTestOperator } from '@hmmtrade/operator/testing';
import { startFlySim } from '@hmmtrade/testkit/fly-sim';
import { benchArgs } from './config.ts';

const { bots: BOTS, faults: FAULTS } = benchArgs({ bots: 1_000 });
const IMAGE = 'registry.fly.io/hmmtrade-bot:bench';
const sim = await startFlySim({
  images: { [IMAGE]: ['sleep', '3600'] },
  baseEnv: { PATH: '/usr/bin:/bin' },
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
  app: 'hmmtrade-bench',
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

const machines = sim.machines('hmmtrade-bench');
const perBot = new Map<string, number>();
for (const machine of machines) perBot.set(machine.name, (perBot.get(machine.name) ?? 0) + 1);
const duplicates = [...perBot.values()].filter((n) => n > 1).length;
const leased = await countLeases(machines.map((m) => m.id));

console.log(`bots ${BOTS}, faults ${FAULTS * 100}% each of 5xx, 429 and timeouts`);
console.log(`converged in ${seconds.toFixed(1)} s (${(BOTS / seconds).toFixed(0)} bots/s)`);
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
    const res = await fetch(`${sim.url}/v1/apps/hmmtrade-bench/machines/${id}/lease`, {
      headers: { authorization: `Bearer ${sim.token}` },
    });
    if (res.status === 200) held++;
  }
  return held;
}
