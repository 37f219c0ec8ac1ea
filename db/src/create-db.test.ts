import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StartupError } from '@hmmtrade/platform';
import { createDb, type DbHandle } from './create-db.ts';
import { migrateToLatest } from './migrate.ts';

describe('createDb', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'hmmtrade-db-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  async function open(dataDir: string): Promise<DbHandle> {
    const handle = await createDb({ dataDir });
    cleanups.push(() => handle.close());
    return handle;
  }

  it('persists the embedded database across restarts of the same data directory', async () => {
    const dataDir = tempDir();
    const first = await createDb({ dataDir });
    await migrateToLatest(first.db);
    await first.db
      .insertInto('users')
      .values({ email: 'keep@example.com', password_hash: 'h' })
      .execute();
    await first.close();

    const second = await open(dataDir);
    expect((await migrateToLatest(second.db)).applied).toEqual([]);
    const users = await second.db.selectFrom('users').select('email').execute();
    expect(users).toEqual([{ email: 'keep@example.com' }]);
  });

  it('serves concurrent transactions over the socket without mixing them up', async () => {
    const handle = await open(tempDir());
    await migrateToLatest(handle.db);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        handle.db
          .transaction()
          .execute(async (trx) => {
            await trx
              .insertInto('users')
              .values({ email: `t${i}@example.com`, password_hash: 'h' })
              .execute();
            if (i % 2 === 1) throw new Error('roll back odd ones');
          })
          .catch(() => undefined),
      ),
    );
    const rows = await handle.db.selectFrom('users').select('email').orderBy('email').execute();
    expect(rows).toHaveLength(10);
    expect(rows.every((row) => /^t\d*[02468]@/.test(row.email))).toBe(true);
  });

  it('refuses a data directory another live process holds', async () => {
    const dataDir = tempDir();
    await open(dataDir);
    const second = createDb({ dataDir });
    await expect(second).rejects.toThrow(StartupError);
    await expect(second).rejects.toThrow(/in use by another hmmtrade process \(pid \d+\)/);
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'hmmtrade.lock'), '999999999');
    const handle = await open(dataDir);
    await expect(handle.pool.query('SELECT 1 AS one')).resolves.toMatchObject({
      rows: [{ one: 1 }],
    });
  });

  it('names an unwritable data directory', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    await expect(createDb({ dataDir: join(file, 'data') })).rejects.toThrow(
      new RegExp(`^data directory ${file}/data is not writable: .*ENOTDIR`),
    );
  });

  it('reports an unreachable server in one line without the password', async () => {
    const attempt = createDb({
      databaseUrl: 'postgres://alice:s3cret-pw@127.0.0.1:1/app',
      dataDir: tempDir(),
    });
    await expect(attempt).rejects.toThrow(StartupError);
    const error = await attempt.then(
      () => new Error('expected createDb to fail'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(
      /^cannot connect to the database at 127\.0\.0\.1:1\/app: .*ECONNREFUSED/,
    );
    expect(error.message).not.toContain('s3cret-pw');
    expect(error.message).not.toContain('\n');
  });
});
