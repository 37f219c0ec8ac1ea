import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '@hmmtrade/cli/testing';
import { createTestDatabase, type TestDatabase } from '@hmmtrade/db/testing';
import { createLocalRuntime, killMarkedProcesses, scanMarkedProcesses } from '@hmmtrade/operator';
import { botSpec, eventually, seedBots } from '@hmmtrade/operator/testing';

// Kill the operator process (SIGKILL, no goodbye) at random points 50 times while 200 bots
// converge on the local runtime and their specs keep changing; then let one operator finish.
// Every bot must end in its target state with exactly one process if it should run, none
// otherwise, and no process may belong to a bot that does not exist.
const BOTS = 200;
const KILLS = 50;
const SEED = 20261125;

type Target = 'running' | 'stopped' | 'absent';

describe('operator crash test', () => {
  let testDb: TestDatabase;
  let dataDir: string;
  let runtimeId: string;
  let current: RunningCli | undefined;
  const random = lcg(SEED);

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    dataDir = mkdtempSync(join(tmpdir(), 'hmmtrade-crash-'));
    runtimeId = createLocalRuntime({
      stateDir: join(dataDir, 'runtime', 'local'),
      command: ['true'],
    }).runtimeId;
  });
  afterAll(async () => {
    await current?.stop('SIGKILL');
    if (runtimeId) await killMarkedProcesses(await scanMarkedProcesses(runtimeId));
    await testDb?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function startOperator(): RunningCli {
    current = startCli(['operator', '--runtime', 'local', '--port', '0'], {
      DATABASE_URL: testDb.handle.connectionString,
      HMMTRADE_DATA_DIR: dataDir,
      HMMTRADE_LOCAL_COMMAND: 'sleep 3600',
      OPERATOR_RESYNC_SECONDS: '1',
      OPERATOR_CONCURRENCY: '8',
      LOG_LEVEL: 'error',
    });
    return current;
  }

  async function processesByBot(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const found of await scanMarkedProcesses(runtimeId)) {
      if (found.leader) counts.set(found.botId, (counts.get(found.botId) ?? 0) + 1);
    }
    return counts;
  }

  it(`converges ${BOTS} bots through ${KILLS} operator kills with no duplicate and no orphan`, async () => {
    const { db } = testDb.handle;
    const targets = new Map<string, Target>();
    const ids = await seedBots(db, BOTS, (i) => botSpec({ suspend: i % 10 >= 7 }));
    ids.forEach((id, i) => targets.set(id, i % 10 >= 7 ? 'stopped' : 'running'));

    let maxPerBot = 0;
    let killedMidWork = 0;
    const writes = async () =>
      Number(
        (
          await sql<{
            v: string;
          }>`SELECT coalesce(sum(resource_version), 0) AS v FROM bots`.execute(db)
        ).rows[0]?.v,
      );
    for (let kill = 0; kill < KILLS; kill++) {
      const before = await writes();
      const operator = startOperator();
      // Kill at a random point of its work: most kills after it started reconciling (timed from
      // its start-up line, so a slow start on a loaded machine does not turn kills into no-ops),
      // some while it is still starting.
      if (random() < 0.8) await operator.waitFor(/operator .* started/).catch(() => undefined);
      await sleep(Math.floor(random() * 1000));
      await operator.stop('SIGKILL');
      const processes = await processesByBot();
      for (const count of processes.values()) maxPerBot = Math.max(maxPerBot, count);
      const running = [...targets].filter(([, t]) => t === 'running').length;
      if ((await writes()) !== before && processes.size !== running) killedMidWork++;
      await churn(db, targets, random);
    }
    expect(maxPerBot).toBeLessThanOrEqual(1);
    // The kills must land while the operator is working, or the test proves nothing.
    console.log(`killed mid-work: ${killedMidWork}`);
    expect(killedMidWork).toBeGreaterThanOrEqual(12);

    const survivor = startOperator();
    const converged = eventually(
      async () => {
        const rows = await db
          .selectFrom('bots')
          .select(['id', 'status', 'generation', 'observed_generation'])
          .execute();
        const phases = new Map(rows.map((row) => [row.id, row]));
        const processes = await processesByBot();
        for (const [id, target] of targets) {
          const row = phases.get(id);
          if (target === 'absent') {
            expect(row, `bot ${id} should be gone`).toBeUndefined();
            expect(processes.get(id) ?? 0).toBe(0);
          } else {
            expect(row?.status.phase, `bot ${id}`).toBe(
              target === 'running' ? 'Running' : 'Stopped',
            );
            expect(row?.observed_generation).toBe(row?.generation);
            expect(processes.get(id) ?? 0).toBe(target === 'running' ? 1 : 0);
          }
        }
        const orphans = [...processes.keys()].filter((id) => targets.get(id) !== 'running');
        expect(orphans).toEqual([]);
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    await converged.catch(async (error: unknown) => {
      const url = /metrics at (\S+)/.exec(survivor.stdout())?.[1];
      const metrics = url ? await (await fetch(url)).text() : '';
      const wanted =
        /^(workqueue_depth|workqueue_longest|workqueue_unfinished|controller_runtime_reconcile_total|hmmtrade_bots|leader)/;
      console.log(
        'DEBUG metrics\n' +
          metrics
            .split('\n')
            .filter((l) => wanted.test(l))
            .join('\n'),
      );
      const rows = await db.selectFrom('bots').select(['id', 'status']).execute();
      console.log('DEBUG no phase', rows.filter((b) => !b.status.phase).length, 'of', rows.length);
      const ps = await scanMarkedProcesses(runtimeId);
      console.log('DEBUG processes', ps.length, JSON.stringify(ps.slice(0, 3)));
      throw error;
    });
    expect(await survivor.stop('SIGTERM')).toBe(0);
  }, 400_000);
});

/** Changes the desired state of a few bots between kills: suspend, resume, delete, add. */
async function churn(
  db: TestDatabase['handle']['db'],
  targets: Map<string, Target>,
  random: () => number,
): Promise<void> {
  const live = [...targets].filter(([, target]) => target !== 'absent').map(([id]) => id);
  for (let i = 0; i < 25; i++) {
    const id = live[Math.floor(random() * live.length)]!;
    const roll = random();
    if (targets.get(id) === 'absent') continue; // deleted earlier in this round
    if (roll < 0.04) {
      await db.updateTable('bots').set({ deleted_at: new Date() }).where('id', '=', id).execute();
      targets.set(id, 'absent');
    } else {
      const suspend = roll < 0.6;
      await db
        .updateTable('bots')
        .set({ spec: JSON.stringify(botSpec({ suspend })) })
        .where('id', '=', id)
        .execute();
      targets.set(id, suspend ? 'stopped' : 'running');
    }
  }
  if (random() < 0.5) for (const id of await seedBots(db, 1)) targets.set(id, 'running');
}

/** A small seeded generator, so a failing run can be replayed. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
