import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from './testing/index.ts';
import { sampleSpec } from './testing/sample-spec.ts';

describe.each(DATABASE_KINDS)('schema rules on %s', (kind) => {
  let testDb: TestDatabase;
  let db: Kysely<Database>;
  let userId: string;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.handle.db;
  });
  afterAll(async () => {
    await testDb?.dispose();
  });
  beforeEach(async () => {
    const user = await db
      .insertInto('users')
      .values({ email: `u${Math.random().toString(36).slice(2)}@example.com`, password_hash: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    userId = user.id;
  });

  async function insertBot(name = 'alpha') {
    return db
      .insertInto('bots')
      .values({ owner_id: userId, name, source: 'api', spec: sampleSpec() })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  it('stores a bot in Kubernetes object shape with generation 1 and spec as JSON', async () => {
    const bot = await insertBot();
    expect(bot.generation).toBe(1);
    expect(bot.observed_generation).toBe(0);
    expect(bot.status).toEqual({});
    expect(bot.spec).toEqual(sampleSpec());
    expect(bot.deleted_at).toBeNull();
  });

  it('bumps generation only when the spec changes, resource_version on every write', async () => {
    const bot = await insertBot();
    const statusOnly = await db
      .updateTable('bots')
      .set({ status: { phase: 'Running' }, observed_generation: 1 })
      .where('id', '=', bot.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(statusOnly.generation).toBe(1);
    expect(statusOnly.resource_version).toBe(bot.resource_version + 1);

    const specChange = await db
      .updateTable('bots')
      .set({ spec: { ...sampleSpec(), suspend: true } })
      .where('id', '=', bot.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(specChange.generation).toBe(2);

    const sameSpec = await db
      .updateTable('bots')
      .set({ spec: specChange.spec, generation: 99 })
      .where('id', '=', bot.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(sameSpec.generation).toBe(2);
  });

  it('refuses two live bots with one name for one owner, but allows reuse after deletion', async () => {
    const bot = await insertBot('dup');
    await expect(insertBot('dup')).rejects.toThrow(/bots_owner_name_key/);
    await db.updateTable('bots').set({ deleted_at: new Date() }).where('id', '=', bot.id).execute();
    await expect(insertBot('dup')).resolves.toMatchObject({ name: 'dup' });
  });

  it('keeps log ingest idempotent on (bot_id, boot_id, seq)', async () => {
    const bot = await insertBot();
    const line = {
      bot_id: bot.id,
      boot_id: 'boot-1',
      seq: 7,
      stream: 'stdout' as const,
      line: 'regime calm 0.91',
      logged_at: new Date(),
    };
    const insertOnce = () =>
      db
        .insertInto('bot_log_lines')
        .values(line)
        .onConflict((oc) => oc.columns(['bot_id', 'boot_id', 'seq']).doNothing())
        .execute();
    await insertOnce();
    await insertOnce();
    const rows = await db
      .selectFrom('bot_log_lines')
      .selectAll()
      .where('bot_id', '=', bot.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.seq).toBe(7);
  });

  it('requires a complete envelope for an alpaca connection and none for sim', async () => {
    const base = { user_id: userId, environment: 'paper' as const, label: 'main' };
    await expect(
      db
        .insertInto('broker_connections')
        .values({ ...base, kind: 'alpaca' })
        .execute(),
    ).rejects.toThrow(/broker_connections_alpaca_has_secret/);
    await expect(
      db
        .insertInto('broker_connections')
        .values({ ...base, kind: 'alpaca', ciphertext: Buffer.from('c'), iv: Buffer.from('i') })
        .execute(),
    ).rejects.toThrow(/broker_connections_envelope_complete/);
    const envelope = {
      ciphertext: Buffer.from('ciphertext'),
      encrypted_data_key: Buffer.from('wrapped'),
      iv: Buffer.alloc(12, 1),
      auth_tag: Buffer.alloc(16, 2),
      kms_key_id: 'local:master',
      key_version: 1,
    };
    const stored = await db
      .insertInto('broker_connections')
      .values({ ...base, kind: 'alpaca', ...envelope })
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(stored.iv).toEqual(envelope.iv);
    await expect(
      db
        .insertInto('broker_connections')
        .values({ ...base, kind: 'sim' })
        .execute(),
    ).resolves.toBeDefined();
  });

  it('cascades a user deletion to their bots and their bots logs', async () => {
    const bot = await insertBot();
    await db
      .insertInto('bot_events')
      .values({
        bot_id: bot.id,
        boot_id: 'b',
        seq: 0,
        type: 'heartbeat',
        payload: {},
        occurred_at: new Date(),
      })
      .execute();
    await db.deleteFrom('users').where('id', '=', userId).execute();
    const left = await db
      .selectFrom('bot_events')
      .select('id')
      .where('bot_id', '=', bot.id)
      .execute();
    expect(left).toEqual([]);
  });
});
