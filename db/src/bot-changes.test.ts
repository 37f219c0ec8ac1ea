import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { BOT_CHANGES_CHANNEL } from './bot-changes.ts';
import { createTestDatabase, sampleSpec, type TestDatabase } from './testing/index.ts';

// LISTEN/NOTIFY does not cross pglite-socket (DESIGN §10), so this contract is checked on the
// real server; the embedded default wakes the operator in-process instead.
describe('bot change notifications on postgres', () => {
  let testDb: TestDatabase;
  let listener: pg.Client;
  const received: string[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    listener = new pg.Client({ connectionString: testDb.handle.connectionString });
    await listener.connect();
    listener.on('notification', (message) => {
      if (message.channel === BOT_CHANGES_CHANNEL && message.payload)
        received.push(message.payload);
    });
    await listener.query(`LISTEN ${BOT_CHANGES_CHANNEL}`);
  });
  afterAll(async () => {
    await listener?.end();
    await testDb?.dispose();
  });

  async function drain(): Promise<string[]> {
    // A round trip on the listener guarantees earlier notifications have been delivered.
    await listener.query('SELECT 1');
    return received.splice(0);
  }

  it('notifies with the bot id on insert, spec change and delete, not on status writes', async () => {
    const { db } = testDb.handle;
    const user = await db
      .insertInto('users')
      .values({ email: 'n@example.com', password_hash: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const bot = await db
      .insertInto('bots')
      .values({ owner_id: user.id, name: 'n', source: 'api', spec: sampleSpec() })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await drain()).toEqual([bot.id]);

    await db
      .updateTable('bots')
      .set({ status: { phase: 'Running' } })
      .where('id', '=', bot.id)
      .execute();
    expect(await drain()).toEqual([]);

    await db
      .updateTable('bots')
      .set({ spec: { ...sampleSpec(), suspend: true } })
      .where('id', '=', bot.id)
      .execute();
    expect(await drain()).toEqual([bot.id]);

    await db.updateTable('bots').set({ deleted_at: new Date() }).where('id', '=', bot.id).execute();
    expect(await drain()).toEqual([bot.id]);

    await db.deleteFrom('bots').where('id', '=', bot.id).execute();
    expect(await drain()).toEqual([bot.id]);
  });
});
