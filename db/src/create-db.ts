import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { StartupError } from '@hmmtrade/platform';
import type { Database } from './database.ts';
import type { EmbeddedPostgres } from './embedded-postgres.ts';

/** How to reach the database. */
export interface DbConfig {
  /** A real Postgres server. When absent, the embedded PGlite database under `dataDir` is used. */
  databaseUrl?: string | undefined;
  /** Where the embedded database lives (ignored with `databaseUrl`). */
  dataDir: string;
  /** Pool size; default 10. */
  poolMax?: number;
}

/** An open database: the typed query builder, and how to close everything it opened. */
export interface DbHandle {
  db: Kysely<Database>;
  /** The raw pool, for LISTEN connections and health checks. */
  pool: pg.Pool;
  /** Where it is, without credentials, for logs and messages. */
  location: string;
  /** The embedded server when `databaseUrl` was not given. */
  embedded: EmbeddedPostgres | null;
  /** A connection string for the same database (for LISTEN clients and child processes). */
  connectionString: string;
  close(): Promise<void>;
}

const INT8_OID = 20;

// int8 (bigserial ids, seq, resource_version) as number: all our values stay below 2^53.
function parseInt8AsNumber(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === INT8_OID) return Number;
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

/**
 * Opens `config.databaseUrl`, or starts the embedded database, and checks that it answers.
 * Failures become a StartupError with a one-line message that never contains a password.
 */
export async function createDb(config: DbConfig): Promise<DbHandle> {
  // PGlite (≈ 20 MB of WebAssembly) is loaded only when there is no real Postgres to use.
  const embedded = config.databaseUrl
    ? null
    : await (
        await import('./embedded-postgres.ts')
      ).startEmbeddedPostgres({ dataDir: config.dataDir });
  const connectionString = config.databaseUrl ?? embedded!.connectionString;
  const location = describeLocation(connectionString);
  const pool = new pg.Pool({
    connectionString,
    max: config.poolMax ?? 10,
    connectionTimeoutMillis: 10_000,
    types: { getTypeParser: parseInt8AsNumber as typeof pg.types.getTypeParser },
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    throw new StartupError(`cannot connect to the database at ${location}: ${reason(error)}`, {
      cause: error,
    });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closing: Promise<void> | undefined;
  return {
    db,
    pool,
    location,
    embedded,
    connectionString,
    close: () => {
      closing ??= (async () => {
        await db.destroy();
        await embedded?.stop();
      })();
      return closing;
    },
  };
}

/** `host:port/database` — never the user or password. */
export function describeLocation(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.host}${url.pathname}`;
  } catch {
    return '(unparseable database URL)';
  }
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
