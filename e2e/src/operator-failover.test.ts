import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '@hmmtrade/cli/testing';
import { createTestDatabase, type TestDatabase } from '@hmmtrade/db/testing';
import { createLocalRuntime, killMarkedProcesses, scanMarkedProcesses } from '@hmmtrade/operator';
import { botSpec, eventually, loadBots, seedBots } from '@hmmtrade/operator/testing';

describe('two operators on one database', () => {
  let testDb: TestDatabase;
  let dataDir: string;
  let runtimeId: string;
  const operators: RunningCli[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    dataDir = mkdtempSync(join(tmpdir(), 'hmmtrade-failover-'));
    runtimeId = createLocalRuntime({
      stateDir: join(dataDir, 'runtime', 'local'),
      command: ['true'],
    }).runtimeId;
  });
  afterAll(async () => {
    for (const operator of operators) await operator.stop('SIGKILL');
    if (runtimeId) await killMarkedProcesses(await scanMarkedProcesses(runtimeId));
    await testDb?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function startOperator() {
    const operator = startCli(['operator', '--runtime', 'local', '--port', '0'], {
      DATABASE_URL: testDb.handle.connectionString,
      HMMTRADE_DATA_DIR: dataDir,
      HMMTRADE_LOCAL_COMMAND: 'sleep 3600',
      OPERATOR_RESYNC_SECONDS: '1',
    });
    operators.push(operator);
    const [, url] = await operator.waitFor(/metrics at (\S+)/);
    return {
      operator,
      leading: async () =>
        /^leader_election_master_status\{[^}]*\} 1$/m.test(await (await fetch(url!)).text()),
    };
  }

  it('only the leader acts; when it is killed the other takes over without duplicates', async () => {
    const { db } = testDb.handle;
    const ids = await seedBots(db, 20);
    const a = await startOperator();
    await eventually(
      async () => {
        for (const bot of (await loadBots(db)).values()) expect(bot.status.phase).toBe('Running');
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const b = await startOperator();
    await eventually(async () => expect(await a.leading()).toBe(true));
    for (let i = 0; i < 5; i++) {
      expect(await b.leading()).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    await a.operator.stop('SIGKILL');
    for (const id of ids.slice(0, 5)) {
      await db
        .updateTable('bots')
        .set({ spec: JSON.stringify(botSpec({ suspend: true })) })
        .where('id', '=', id)
        .execute();
    }
    await eventually(async () => expect(await b.leading()).toBe(true), {
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    await eventually(
      async () => {
        const bots = await loadBots(db);
        const processes = await scanMarkedProcesses(runtimeId);
        ids.forEach((id, i) => {
          expect(bots.get(id)?.status.phase).toBe(i < 5 ? 'Stopped' : 'Running');
          expect(processes.filter((found) => found.botId === id && found.leader)).toHaveLength(
            i < 5 ? 0 : 1,
          );
        });
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(await b.operator.stop('SIGTERM')).toBe(0);
  }, 120_000);
});
