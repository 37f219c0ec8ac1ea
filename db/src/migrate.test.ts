import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest } from './migrate.ts';
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from './testing/index.ts';

const TABLES = [
  'api_tokens',
  'audit_log',
  'bot_events',
  'bot_log_lines',
  'bots',
  'broker_connections',
  'operator_leases',
  'sessions',
  'stripe_events',
  'subscriptions',
  'users',
];

describe.each(DATABASE_KINDS)('migrations on %s', (kind) => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase(kind, { migrate: false });
  });
  afterAll(async () => {
    await testDb?.dispose();
  });

  it('run from empty, create every table, and are a no-op the second time', async () => {
    const first = await migrateToLatest(testDb.handle.db);
    expect(first.applied).toEqual(['0001-initial', '0002-operator-leases']);

    const { rows } = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%'
      ORDER BY table_name`.execute(testDb.handle.db);
    expect(rows.map((row) => row.table_name)).toEqual(TABLES);

    const second = await migrateToLatest(testDb.handle.db);
    expect(second.applied).toEqual([]);
  });
});
