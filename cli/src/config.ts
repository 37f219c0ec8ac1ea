import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { logLevel, parseEnv, portNumber, postgresUrl, type Environment } from '@hmmtrade/platform';

const cliEnvSchema = z.object({
  DATABASE_URL: z.preprocess(emptyAsUnset, postgresUrl.optional()),
  HMMTRADE_DATA_DIR: z.preprocess(emptyAsUnset, z.string().optional()),
  HOST: z.preprocess(emptyAsUnset, z.string().default('127.0.0.1')),
  PORT: z.preprocess(emptyAsUnset, portNumber.default(8080)),
  LOG_LEVEL: z.preprocess(emptyAsUnset, logLevel.default('info')),
});

/** Settings of the `hmmtrade` command, from the environment and then its flags. */
export interface CliConfig {
  /** A real Postgres; unset means the embedded database under `dataDir`. */
  databaseUrl: string | undefined;
  /** Where the embedded database and other local state live. */
  dataDir: string;
  host: string;
  port: number;
  logLevel: z.infer<typeof logLevel>;
}

/** Flags that override the environment. */
export interface CliFlags {
  dataDir?: string | undefined;
  host?: string | undefined;
  port?: string | undefined;
  databaseUrl?: string | undefined;
}

/** Parses the environment (`process.env` unless given) and applies flags; throws ConfigError. */
export function loadCliConfig(flags: CliFlags = {}, env: Environment = process.env): CliConfig {
  const merged: Environment = {
    ...env,
    ...(flags.databaseUrl !== undefined ? { DATABASE_URL: flags.databaseUrl } : {}),
    ...(flags.dataDir !== undefined ? { HMMTRADE_DATA_DIR: flags.dataDir } : {}),
    ...(flags.host !== undefined ? { HOST: flags.host } : {}),
    ...(flags.port !== undefined ? { PORT: flags.port } : {}),
  };
  const parsed = parseEnv(cliEnvSchema, merged);
  return Object.freeze({
    databaseUrl: parsed.DATABASE_URL,
    dataDir: resolve(parsed.HMMTRADE_DATA_DIR ?? join(homedir(), '.hmmtrade')),
    host: parsed.HOST,
    port: parsed.PORT,
    logLevel: parsed.LOG_LEVEL,
  });
}

/** The environment a child process of this one inherits (tests spawn the CLI with it). */
export function inheritedEnv(): Environment {
  return { ...process.env };
}

function emptyAsUnset(value: unknown): unknown {
  return value === '' ? undefined : value;
}
