import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '@hmmtrade/db/testing';
import { createMetricsRegistry } from '@hmmtrade/platform';
import { eventually } from '../runtimes/testing/eventually.ts';
import { createPostgresSource } from '../sources/postgres-source.ts';
import { createInProcessChangeFeed } from '../sources/change-feed.ts';
import { quietLogger, seedBots } from '../testing/operator-harness.ts';
import { LostLeadershipError } from './lost-leadership-error.ts';
import { createPostgresLeaderElector } from './postgres-leader.ts';
import type { LeaderElector } from './leader-elector.ts';

describe('postgres leader election', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await testDb?.dispose();
  });

  function elector(identity: string) {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const events: string[] = [];
    const leader = createPostgresLeaderElector({
      connectionString: testDb.handle.connectionString,
      identity,
      logger: quietLogger(),
      registry,
      retryPeriodMs: 50,
    });
    leader.start({
      onStartedLeading: (epoch) => events.push(`lead ${epoch}`),
      onStoppedLeading: () => events.push('stop'),
    });
    return { leader, events, registry };
  }

  function leaders(...candidates: LeaderElector[]) {
    return candidates.filter((candidate) => candidate.isLeader()).length;
  }

  it('elects exactly one, fails over when the leader dies, and fences the old epoch', async () => {
    const a = elector('a');
    const b = elector('b');
    await eventually(() => expect(leaders(a.leader, b.leader)).toBe(1));
    const [first, second] = a.leader.isLeader() ? [a, b] : [b, a];
    const firstEpoch = first.leader.epoch()!;
    expect(await first.registry.getSingleMetricAsString('leader_election_master_status')).toMatch(
      / 1$/m,
    );
    expect(await second.registry.getSingleMetricAsString('leader_election_master_status')).toMatch(
      / 0$/m,
    );

    // Stay single-leader over several retry periods.
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(leaders(a.leader, b.leader)).toBe(1);
    }

    // "Kill" the leader: its session (and so its advisory lock) is terminated by the server.
    // Only in this test's database: other test files run their own leaders on the same server.
    await sql`SELECT pg_terminate_backend(pid) FROM pg_locks
      WHERE locktype = 'advisory' AND granted
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`.execute(
      testDb.handle.db,
    );
    await eventually(() => expect(second.leader.isLeader()).toBe(true), { timeoutMs: 5_000 });
    await eventually(() => expect(first.leader.isLeader()).toBe(false), { timeoutMs: 5_000 });
    expect(second.leader.epoch()).toBeGreaterThan(firstEpoch);
    expect(first.events).toEqual([`lead ${firstEpoch}`, 'stop']);

    // A write carrying the dead leader's epoch is refused.
    const [botId] = await seedBots(testDb.handle.db, 1);
    const source = createPostgresSource({
      db: testDb.handle.db,
      feed: createInProcessChangeFeed(),
    });
    await source.start(() => undefined);
    const bot = source.get(botId!)!;
    await expect(source.writeStatus(bot, { phase: 'Running' }, firstEpoch)).rejects.toThrow(
      LostLeadershipError,
    );
    await expect(
      source.writeStatus(bot, { phase: 'Running' }, second.leader.epoch()!),
    ).resolves.toBeUndefined();
    await source.stop();

    await a.leader.stop();
    await b.leader.stop();
    expect(leaders(a.leader, b.leader)).toBe(0);
  });

  it('a stop that lands while the first check is still connecting leaves the lock free', async () => {
    const early = elector('early');
    await early.leader.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(early.leader.isLeader()).toBe(false);
    const next = elector('next');
    await eventually(() => expect(next.leader.isLeader()).toBe(true));
    await next.leader.stop();
  });

  it('hands over at once when the leader stops cleanly', async () => {
    const a = elector('a');
    await eventually(() => expect(a.leader.isLeader()).toBe(true));
    const b = elector('b');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(b.leader.isLeader()).toBe(false);
    await a.leader.stop();
    await eventually(() => expect(b.leader.isLeader()).toBe(true));
    await b.leader.stop();
  });
});
