import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type DbHandle } from '../create-db.ts';
import { migrateToLatest } from '../migrate.ts';
import { testConfig } from './config.ts';

/** The two database engines every database test runs against. */
export const DATABASE_KINDS = ['postgres', 'pglite'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

/** A throwaway database for one test file, and how to remove it. */
export interface TestDatabase {
  kind: DatabaseKind;
  handle: DbHandle;
  /** Closes connections and removes the database (or the embedded data directory). */
  dispose(): Promise<void>;
}

const HOW_TO_START =
  'start it with `bash scripts/ensure-postgres.sh` (installs and starts Debian postgresql) ' +
  'or point TEST_DATABASE_URL at a server where the user may CREATE DATABASE';

/**
 * A fresh, empty database of `kind`: a new database on the real server named by
 * TEST_DATABASE_URL, or an embedded PGlite in a temporary directory. Migrated unless
 * `migrate: false`.
 */
export async function createTestDatabase(
  kind: DatabaseKind,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const { handle, cleanup } =
    kind === 'postgres' ? await openRealPostgres() : await openEmbeddedPglite();
  if (options.migrate ?? true) await migrateToLatest(handle.db);
  return {
    kind,
    handle,
    dispose: async () => {
      await handle.close();
      await cleanup();
    },
  };
}

async function openRealPostgres(): Promise<{ handle: DbHandle; cleanup: () => Promise<void> }> {
  const adminUrl = testConfig.TEST_DATABASE_URL;
  const name = `hmmtrade_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end().catch(() => undefined);
    throw new Error(
      `real Postgres is not usable at ${new URL(adminUrl).host}: ${(error as Error).message}; ${HOW_TO_START}`,
      { cause: error },
    );
  }
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await createDb({ databaseUrl: url.toString(), dataDir: '/nonexistent' });
  return {
    handle,
    cleanup: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

async function openEmbeddedPglite(): Promise<{ handle: DbHandle; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hmmtrade-pglite-'));
  const handle = await createDb({ dataDir });
  return {
    handle,
    cleanup: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
  };
}
