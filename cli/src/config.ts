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
  OPERATOR_RUNTIME: z.preprocess(
    emptyAsUnset,
    z.enum(['local', 'fake', 'fly', 'fly-sim', 'kubernetes']).default('local'),
  ),
  FLY_API_URL: z.preprocess(
    emptyAsUnset,
    z.url({ message: 'must be a URL' }).default('https://api.machines.dev'),
  ),
  FLY_API_TOKEN: z.preprocess(emptyAsUnset, z.string().optional()),
  FLY_APP: z.preprocess(emptyAsUnset, z.string().default('hmmtrade-bots')),
  FLY_ORG: z.preprocess(emptyAsUnset, z.string().optional()),
  FLY_REGION: z.preprocess(emptyAsUnset, z.string().optional()),
  WATCH_NAMESPACE: z.preprocess(emptyAsUnset, z.string().optional()),
  POD_NAMESPACE: z.preprocess(emptyAsUnset, z.string().optional()),
  OPERATOR_CONCURRENCY: z.preprocess(
    emptyAsUnset,
    z.coerce.number().int().min(1).max(256).default(8),
  ),
  OPERATOR_RESYNC_SECONDS: z.preprocess(emptyAsUnset, z.coerce.number().min(1).default(60)),
  HMMTRADE_API_URL: z.preprocess(
    emptyAsUnset,
    z.url({ message: 'must be an http(s) URL' }).optional(),
  ),
  HMMTRADE_LOCAL_COMMAND: z.preprocess(emptyAsUnset, z.string().optional()),
  KMS_KEY_ID: z.preprocess(emptyAsUnset, z.string().optional()),
  KMS_ENDPOINT: z.preprocess(emptyAsUnset, z.url({ message: 'must be a URL' }).optional()),
  AWS_REGION: z.preprocess(emptyAsUnset, z.string().optional()),
  HMMTRADE_CSRF_SECRET: z.preprocess(
    emptyAsUnset,
    z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  ),
  HMMTRADE_SECURE_COOKIES: z.preprocess(
    emptyAsUnset,
    z.stringbool({ message: 'must be true or false' }).default(false),
  ),
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
  operator: OperatorConfig;
  /** Derives CSRF tokens; set it when several API replicas serve one site (random otherwise). */
  csrfSecret: string | undefined;
  /** Mark session cookies Secure (serve behind HTTPS). */
  secureCookies: boolean;
  /** AWS KMS for broker credentials; unset key id means the local master key. */
  kms: { keyId: string | undefined; endpoint: string | undefined; region: string | undefined };
}

/** How the operator runs (in `hmmtrade up` and `hmmtrade operator`). */
export interface OperatorConfig {
  runtime: 'local' | 'fake' | 'fly' | 'fly-sim' | 'kubernetes';
  /** Namespace of TradingBots, their pods and the Lease (`kubernetes`). */
  namespace: string;
  /** The Fly Machines API (for `fly`; `fly-sim` starts its own). */
  fly: {
    apiUrl: string;
    token: string | undefined;
    app: string;
    org: string | undefined;
    region: string | undefined;
  };
  concurrency: number;
  resyncSeconds: number;
  /** The control plane URL bots are given; defaults to the API `up` serves. */
  apiUrl: string | undefined;
  /** What the local runtime runs per bot (split on whitespace); default `hmmtrade bot`. */
  localCommand: string[] | undefined;
  /** The environment bot processes start from (PATH, HOME …). */
  baseEnv: Record<string, string>;
}

/** Flags that override the environment. */
export interface CliFlags {
  dataDir?: string | undefined;
  host?: string | undefined;
  port?: string | undefined;
  databaseUrl?: string | undefined;
  runtime?: string | undefined;
}

/** Parses the environment (`process.env` unless given) and applies flags; throws ConfigError. */
export function loadCliConfig(flags: CliFlags = {}, env: Environment = process.env): CliConfig {
  const merged: Environment = {
    ...env,
    ...(flags.databaseUrl !== undefined ? { DATABASE_URL: flags.databaseUrl } : {}),
    ...(flags.dataDir !== undefined ? { HMMTRADE_DATA_DIR: flags.dataDir } : {}),
    ...(flags.host !== undefined ? { HOST: flags.host } : {}),
    ...(flags.port !== undefined ? { PORT: flags.port } : {}),
    ...(flags.runtime !== undefined ? { OPERATOR_RUNTIME: flags.runtime } : {}),
  };
  const parsed = parseEnv(cliEnvSchema, merged);
  return Object.freeze({
    databaseUrl: parsed.DATABASE_URL,
    dataDir: resolve(parsed.HMMTRADE_DATA_DIR ?? join(homedir(), '.hmmtrade')),
    host: parsed.HOST,
    port: parsed.PORT,
    logLevel: parsed.LOG_LEVEL,
    operator: {
      runtime: parsed.OPERATOR_RUNTIME,
      namespace: parsed.WATCH_NAMESPACE ?? parsed.POD_NAMESPACE ?? 'default',
      fly: {
        apiUrl: parsed.FLY_API_URL,
        token: parsed.FLY_API_TOKEN,
        app: parsed.FLY_APP,
        org: parsed.FLY_ORG,
        region: parsed.FLY_REGION,
      },
      concurrency: parsed.OPERATOR_CONCURRENCY,
      resyncSeconds: parsed.OPERATOR_RESYNC_SECONDS,
      apiUrl: parsed.HMMTRADE_API_URL,
      localCommand: parsed.HMMTRADE_LOCAL_COMMAND?.split(/\s+/).filter(Boolean),
      baseEnv: pickDefined(env, ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR']),
    },
    kms: { keyId: parsed.KMS_KEY_ID, endpoint: parsed.KMS_ENDPOINT, region: parsed.AWS_REGION },
    csrfSecret: parsed.HMMTRADE_CSRF_SECRET,
    secureCookies: parsed.HMMTRADE_SECURE_COOKIES,
  });
}

function pickDefined(env: Environment, names: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

/** The environment a child process of this one inherits (tests spawn the CLI with it). */
export function inheritedEnv(): Environment {
  return { ...process.env };
}

function emptyAsUnset(value: unknown): unknown {
  return value === '' ? undefined : value;
}
