import { mkdirSync, accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { StartupError } from '@hmmtrade/platform';
import { acquireDirectoryLock, type DirectoryLock } from './directory-lock.ts';

/** A running embedded database and how to reach it over the Postgres wire protocol. */
export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`; no password (loopback only). */
  connectionString: string;
  /** Where the database files live (`<dataDir>/pgdata`). */
  pgdataDir: string;
  stop(): Promise<void>;
}

/** Options for the zero-setup default database. */
export interface EmbeddedPostgresOptions {
  /** Directory owned by this process while it runs (locked); the database persists here. */
  dataDir: string;
  /** Connections served at once; the pool must stay below it. */
  maxConnections?: number;
}

/**
 * Starts PGlite persisted under `dataDir/pgdata` and serves it on a free loopback port through
 * pglite-socket, so the application uses the same `pg` driver path as with a real server.
 * The data directory is locked: a second process gets a StartupError, not a corrupt database.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  ensureWritableDirectory(options.dataDir);
  const lock = acquireDirectoryLock(options.dataDir);
  const pgdataDir = join(options.dataDir, 'pgdata');
  let pglite: PGlite | undefined;
  try {
    pglite = await PGlite.create({ dataDir: pgdataDir });
    const server = new PGLiteSocketServer({
      db: pglite,
      host: '127.0.0.1',
      port: 0,
      maxConnections: options.maxConnections ?? 16,
    });
    await server.start();
    const [host, port] = server.getServerConn().split(':');
    return {
      connectionString: `postgres://postgres@${host}:${port}/postgres`,
      pgdataDir,
      stop: stopOnce(server, pglite, lock),
    };
  } catch (error) {
    await pglite?.close().catch(() => undefined);
    lock.release();
    throw new StartupError(`cannot open the embedded database in ${pgdataDir}: ${message(error)}`, {
      cause: error,
    });
  }
}

function stopOnce(server: PGLiteSocketServer, pglite: PGlite, lock: DirectoryLock) {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      try {
        await server.stop();
        await pglite.close();
      } finally {
        lock.release();
      }
    })();
    return stopping;
  };
}

function ensureWritableDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new StartupError(`data directory ${dir} is not writable: ${message(error)}`, {
      cause: error,
    });
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
