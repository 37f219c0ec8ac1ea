import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@hmmtrade/db';
import { createTestDatabase, sampleSpec, type TestDatabase } from '@hmmtrade/db/testing';
import type { TradingBotObject } from './kube-object.ts';
import { mirrorToPostgres } from './postgres-mirror.ts';

const bot = (i: number, phase: string): TradingBotObject => ({
  apiVersion: 'hmmtrade.io/v1alpha1',
  kind: 'TradingBot',
  metadata: {
    name: `bot-${i}`,
    namespace: 'batched',
    uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    resourceVersion: '1',
    generation: 1,
  },
  spec: sampleSpec(),
  status: { phase: phase as 'Pending' },
});

// The mirror's write contract on real Postgres: a burst goes out in a few statements, a bot's
// newer change replaces its older one still waiting, and every caller hears when its change is
// in the database.
describe('postgres mirror batching', () => {
  let testDb: TestDatabase;
  let db: Kysely<Database>;
  const statements: string[] = [];
  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: testDb.handle.pool }),
      log: (event) => {
        if (event.level === 'query') statements.push(event.query.sql.split(' ')[0]!);
      },
    });
  });
  afterAll(async () => {
    await testDb?.dispose();
  });

  it('writes a burst of 250 changes in a few statements, the newest change of each bot', async () => {
    const mirror = mirrorToPostgres(db);
    statements.length = 0;
    const writes = Array.from({ length: 250 }, (_, i) => mirror.upsert(bot(i, 'Pending')));
    // A newer change of bot 7 before the burst is written, and bot 9 going away.
    writes.push(mirror.upsert(bot(7, 'Running')), mirror.remove(bot(9, 'Pending')));
    await Promise.all(writes);
    // 100 rows a statement; a batch's deletes go before its inserts.
    expect(statements).toEqual(['delete', 'insert', 'insert', 'insert']);
    const rows = await testDb.handle.db
      .selectFrom('bots')
      .select(['k8s_name', 'status'])
      .where('k8s_namespace', '=', 'batched')
      .execute();
    expect(rows).toHaveLength(249);
    const phase = (name: string) =>
      (rows.find((row) => row.k8s_name === name)?.status as { phase?: string } | undefined)?.phase;
    expect(phase('bot-7')).toBe('Running');
    expect(phase('bot-8')).toBe('Pending');
    expect(phase('bot-9')).toBeUndefined();
  });
});
