import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@hmmtrade/db/testing';
import { createFakeRuntime, type FakeRuntime } from './runtimes/fake/fake-runtime.ts';
import { eventually } from './runtimes/testing/eventually.ts';
import { desiredInstance } from './runtimes/testing/desired-instance.ts';
import { botSpec, loadBots, seedBots, startTestOperator } from './testing/operator-harness.ts';
import type { Operator } from './operator.ts';

describe('operator on postgres with the fake runtime', () => {
  let testDb: TestDatabase;
  let runtime: FakeRuntime;
  let operator: Operator;

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await testDb?.dispose();
  });
  afterEach(async () => {
    await operator?.stop();
    await testDb.handle.db.deleteFrom('bots').execute();
  });

  async function start(fake = createFakeRuntime()) {
    runtime = fake;
    const started = startTestOperator(testDb.handle, runtime);
    operator = started.operator;
    await started.ready;
    return started;
  }

  it('converges new bots to Running with conditions, one instance each, and writes nothing more', async () => {
    const { db } = testDb.handle;
    const ids = await seedBots(db, 20);
    const { registry } = await start();
    await eventually(
      async () => {
        const bots = await loadBots(db);
        for (const id of ids) expect(bots.get(id)?.status.phase).toBe('Running');
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    expect(runtime.createdCount).toBe(20);
    const bot = (await loadBots(db)).get(ids[0]!)!;
    expect(bot.observed_generation).toBe(bot.generation);
    expect(bot.status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'True', 'Running'],
      ['Entitled', 'True', 'Entitled'],
      ['BackendAvailable', 'True', 'BackendAvailable'],
      ['ConfigSynced', 'True', 'ConfigSynced'],
    ]);

    const versions = [...(await loadBots(db)).values()].map((b) => b.resource_version);
    await operator.resync();
    await operator.drained();
    const after = [...(await loadBots(db)).values()].map((b) => b.resource_version);
    expect(after).toEqual(versions);
    expect(runtime.createdCount).toBe(20);
    expect(await registry.getSingleMetricAsString('controller_runtime_reconcile_total')).toMatch(
      /controller_runtime_reconcile_total\{controller="tradingbot",result="success"\} \d+/,
    );
  });

  it('reconciles a bot as soon as its runtime reports a change, without waiting for a resync', async () => {
    const { db } = testDb.handle;
    const [id] = await seedBots(db, 1);
    const fake = createFakeRuntime();
    let report: ((botId: string) => void) | undefined;
    const watching: FakeRuntime = Object.assign(Object.create(fake) as FakeRuntime, {
      watch: (onChange: (botId: string) => void) => {
        report = onChange;
        return Promise.resolve();
      },
    });
    runtime = fake;
    const started = startTestOperator(testDb.handle, watching, { resyncPeriodMs: 600_000 });
    operator = started.operator;
    await started.ready;
    const phase = async () => (await loadBots(db)).get(id!)?.status.phase;
    await eventually(async () => expect(await phase()).toBe('Running'), { timeoutMs: 10_000 });
    fake.crash(id!, 3);
    report!(id!);
    // The resync is ten minutes away: only the report can have made it see the crash.
    const ready = async () =>
      (await loadBots(db)).get(id!)?.status.conditions?.find((c) => c.type === 'Ready');
    await eventually(async () => expect((await ready())?.reason).toBe('CrashLoopBackOff'), {
      timeoutMs: 5_000,
    });
  });

  it('follows suspend, drift and deletion without ever making a second instance', async () => {
    const { db } = testDb.handle;
    const [id] = await seedBots(db, 1);
    await start();
    const phase = async () => (await loadBots(db)).get(id!)?.status.phase;
    await eventually(async () => expect(await phase()).toBe('Running'), { timeoutMs: 10_000 });

    await db
      .updateTable('bots')
      .set({ spec: JSON.stringify(botSpec({ suspend: true })) })
      .where('id', '=', id!)
      .execute();
    await eventually(async () => expect(await phase()).toBe('Stopped'), { timeoutMs: 10_000 });
    expect((await runtime.observe(id!))?.state).toBe('stopped');

    const newImage = botSpec({
      runtime: { backend: 'local', image: 'ghcr.io/hmmtrade/bot:0.2.0' },
    });
    await db
      .updateTable('bots')
      .set({ spec: JSON.stringify(newImage) })
      .where('id', '=', id!)
      .execute();
    await eventually(
      async () => expect((await runtime.observe(id!))?.image).toBe('ghcr.io/hmmtrade/bot:0.2.0'),
      { timeoutMs: 10_000 },
    );
    await eventually(async () => expect(await phase()).toBe('Running'), { timeoutMs: 10_000 });
    expect(runtime.createdCount).toBe(1);

    await db.updateTable('bots').set({ deleted_at: new Date() }).where('id', '=', id!).execute();
    await eventually(async () => expect((await loadBots(db)).has(id!)).toBe(false), {
      timeoutMs: 10_000,
    });
    expect(await runtime.observe(id!)).toBeNull();
    expect(runtime.lastStop(id!)).toBeUndefined();
  });

  it('stalls a bad spec with the field and reason, and leaves other bots alone', async () => {
    const { db } = testDb.handle;
    const [good] = await seedBots(db, 1);
    const [bad] = await seedBots(db, 1, () =>
      botSpec({ profile: { symbols: [], assetClass: 'crypto', timeframe: '1Min' } }),
    );
    await start();
    await eventually(
      async () => {
        const bots = await loadBots(db);
        expect(bots.get(good!)?.status.phase).toBe('Running');
        expect(bots.get(bad!)?.status.phase).toBe('Failed');
      },
      { timeoutMs: 10_000 },
    );
    const ready = (await loadBots(db))
      .get(bad!)!
      .status.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(ready?.message).toMatch(/^spec\.profile\.symbols: /);
    expect(await runtime.observe(bad!)).toBeNull();
  });

  it('reports a runtime outage as BackendAvailable=False, never destroys or fails a bot, and recovers', async () => {
    const { db } = testDb.handle;
    const ids = await seedBots(db, 5);
    await start();
    await eventually(
      async () => {
        for (const bot of (await loadBots(db)).values()) expect(bot.status.phase).toBe('Running');
      },
      { timeoutMs: 10_000 },
    );

    runtime.faults.set({ outage: true });
    await operator.resync();
    await eventually(
      async () => {
        for (const bot of (await loadBots(db)).values()) {
          expect(bot.status.conditions?.find((c) => c.type === 'BackendAvailable')).toMatchObject({
            status: 'False',
            reason: 'BackendUnavailable',
          });
          expect(bot.status.phase).toBe('Running');
        }
      },
      { timeoutMs: 10_000 },
    );
    expect(runtime.size).toBe(5);

    runtime.faults.clear();
    await eventually(
      async () => {
        for (const id of ids) {
          const bot = (await loadBots(db)).get(id)!;
          expect(bot.status.conditions?.find((c) => c.type === 'BackendAvailable')?.status).toBe(
            'True',
          );
        }
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(runtime.createdCount).toBe(5);
  });

  it('collects an orphan instance whose bot does not exist', async () => {
    const fake = createFakeRuntime();
    await fake.create(desiredInstance('00000000-0000-4000-8000-000000000001'));
    await start(fake);
    await operator.resync();
    await eventually(() => expect(fake.size).toBe(0), { timeoutMs: 10_000 });
  });

  it('converges through injected failures and lost responses with exactly one instance per bot', async () => {
    const { db } = testDb.handle;
    const ids = await seedBots(db, 100);
    const fake = createFakeRuntime({ errorRatio: 0.2, lostResponseRatio: 0.2, seed: 7 });
    await start(fake);
    await eventually(
      async () => {
        const bots = await loadBots(db);
        for (const id of ids) expect(bots.get(id)?.status.phase).toBe('Running');
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(fake.size).toBe(100);
    expect(fake.createdCount).toBe(100);
  });
});
