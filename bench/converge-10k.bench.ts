// Converge 10,000 bots from empty to Running on the fake runtime (zero latency) with the real
// Postgres source, then a no-op resync of the converged bots. Prints bots/s, reconcile p50/p99,
// CPU seconds and peak RSS of this process (the operator). Run: npm run bench:converge
// Needs real Postgres (bash scripts/ensure-postgres.sh). BOTS=n overrides the count.
import { sql } from 'kysely';
import { createTestDatabase } from '@hmmtrade/db/testing';
import { botSpec, createFakeRuntime, startTestOperator } from '@hmmtrade/operator/testing';
import { benchArgs } from './config.ts';

const { bots: BOTS } = benchArgs();
const testDb = await createTestDatabase('postgres');
const { db } = testDb.handle;
// Seeded by the server (generate_series), so no client-side garbage inflates this process's RSS.
const owner = await db
  .insertInto('users')
  .values({ email: 'bench@example.com', password_hash: 'x' })
  .returning('id')
  .executeTakeFirstOrThrow();
await sql`INSERT INTO bots (owner_id, name, source, spec)
  SELECT ${owner.id}, 'bot-' || g, 'api', ${JSON.stringify(botSpec())}::jsonb
  FROM generate_series(1, ${BOTS}) AS g`.execute(db);

const durations: number[] = [];
const runtime = createFakeRuntime();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const { operator, ready } = startTestOperator(testDb.handle, runtime, {
  concurrency: 16,
  resyncPeriodMs: 3_600_000,
  onReconciled: (_id, seconds) => durations.push(seconds * 1000),
});
await ready;
const countRunning = async () =>
  Number(
    (
      await sql<{
        n: string;
      }>`SELECT count(*) AS n FROM bots WHERE status->>'phase' = 'Running'`.execute(db)
    ).rows[0]?.n,
  );
while ((await countRunning()) < BOTS) await new Promise((resolve) => setTimeout(resolve, 100));
await operator.drained();
const convergeSeconds = (performance.now() - t0) / 1000;
const convergeCpu = cpuSeconds(process.cpuUsage(cpu0));

const convergeDurations = [...durations];
const versions = await sql<{ v: string }>`SELECT sum(resource_version) AS v FROM bots`.execute(db);
durations.length = 0;
const cpu1 = process.cpuUsage();
const t1 = performance.now();
await operator.resync();
await operator.drained();
const resyncSeconds = (performance.now() - t1) / 1000;
const resyncCpu = cpuSeconds(process.cpuUsage(cpu1));
const versionsAfter = await sql<{ v: string }>`SELECT sum(resource_version) AS v FROM bots`.execute(
  db,
);
const resyncDurations = [...durations];

await operator.stop();
await testDb.dispose();

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const pct = (values: number[], p: number) =>
  sorted(values)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? NaN;
console.log(`bots: ${BOTS}; instances created: ${runtime.createdCount}`);
console.log(
  `converge: ${convergeSeconds.toFixed(2)} s wall, ${(BOTS / convergeSeconds).toFixed(0)} bots/s, CPU ${convergeCpu.toFixed(2)} s`,
);
console.log(
  `reconcile time while converging: p50 ${pct(convergeDurations, 0.5).toFixed(3)} ms, p99 ${pct(convergeDurations, 0.99).toFixed(3)} ms`,
);
console.log(
  `no-op resync: ${resyncSeconds.toFixed(2)} s wall, CPU ${resyncCpu.toFixed(2)} s, reconciles ${resyncDurations.length}, status writes ${Number(versionsAfter.rows[0]?.v) - Number(versions.rows[0]?.v)}`,
);
console.log(
  `reconcile time during resync: p50 ${pct(resyncDurations, 0.5).toFixed(3)} ms, p99 ${pct(resyncDurations, 0.99).toFixed(3)} ms`,
);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}
