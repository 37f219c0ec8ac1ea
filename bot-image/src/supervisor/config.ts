import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as z from 'zod/mini';
import { parseEnv, type Environment } from '@hmmtrade/platform';
import { TRADER_BIN } from '../trader-bin.ts';

/** Bot ids become file names (`config/instances/<id>.yaml`), so only path-safe ids pass. */
const BOT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Variables only the supervisor may see; they are removed from the trader's environment. */
const SUPERVISOR_ONLY_VARS = ['HMMTRADE_MACHINE_TOKEN'] as const;

/** `schema`, reading an empty variable as an unset one. */
const unlessEmpty = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(
    z.transform((value: unknown) => (value === '' ? undefined : value)),
    schema,
  );

const seconds = (fallback: number) =>
  unlessEmpty(
    z._default(
      z.coerce
        .number({ message: 'must be a number of seconds' })
        .check(z.positive({ message: 'must be a positive number of seconds' })),
      fallback,
    ),
  );

const issue = (input: string, message: string) => ({ code: 'custom' as const, input, message });

const traderCommand = z.pipe(
  z.string(),
  z.transform((raw: string, ctx): string[] => {
    const trimmed = raw.trim();
    if (!trimmed.startsWith('[')) {
      const words = trimmed.split(/\s+/).filter(Boolean);
      if (words.length === 0) ctx.issues.push(issue(raw, 'must name a command'));
      return words;
    }
    try {
      const parsed: unknown = JSON.parse(trimmed);
      const words = z.array(z.string()).safeParse(parsed);
      if (words.success && words.data[0]) return words.data;
    } catch {
      // falls through to the issue below
    }
    ctx.issues.push(issue(raw, 'must be a JSON array of strings, the first naming the program'));
    return [];
  }),
);

const supervisorEnvSchema = z.object({
  BOT_ID: z
    .string({ message: 'is required (the bot id the operator assigns)' })
    .check(
      z.regex(BOT_ID_PATTERN, { message: 'must be letters, digits, ".", "_" or "-" (a bot id)' }),
    ),
  HMMTRADE_API_URL: z.pipe(
    z.url({ message: 'must be an http(s) URL', protocol: /^https?$/ }),
    z.transform((url: string) => url.replace(/\/+$/, '')),
  ),
  HMMTRADE_MACHINE_TOKEN: z
    .string({ message: 'is required (the machine JWT the operator mints)' })
    .check(z.minLength(1, { message: 'is required (the machine JWT the operator mints)' })),
  TRADER_COMMAND: unlessEmpty(z.optional(traderCommand)),
  BOT_WORK_DIR: unlessEmpty(z.optional(z.string())),
  SPOOL_DIR: unlessEmpty(z.optional(z.string())),
  STOP_TIMEOUT_SECONDS: seconds(30),
  HEARTBEAT_SECONDS: seconds(30),
  TRADER_RELOAD_SIGNAL: unlessEmpty(
    z._default(
      z.enum(['SIGHUP', 'SIGUSR1', 'SIGUSR2', 'none'], {
        message: 'must be SIGHUP, SIGUSR1, SIGUSR2 or none',
      }),
      'none',
    ),
  ),
});

/** What `runSupervisor` needs, parsed once from the environment and frozen. */
export interface SupervisorConfig {
  /** The bot this process runs; also the instance file name. */
  botId: string;
  /** Control plane base URL without a trailing slash, e.g. `https://api.hmmtrade.io`. */
  apiUrl: string;
  /** The machine JWT for `/api/v1/internal/*`. A secret: never logged, never given to the trader. */
  machineToken: string;
  /** argv of the trader; the first word is the executable. */
  traderCommand: readonly string[];
  /** The trader's cwd, holding `config/instances/<id>.yaml` and `.env`. */
  workDir: string;
  /** Where audit lines and events wait until the control plane has them. */
  spoolDir: string;
  /** Total stop budget after SIGTERM/SIGINT: trader grace, then SIGKILL, then the spool flush. */
  stopTimeoutSeconds: number;
  heartbeatSeconds: number;
  /** Sent to the trader after each `.env` rewrite; undefined: the trader re-reads `.env` itself. */
  traderReloadSignal: NodeJS.Signals | undefined;
  /** The environment the trader starts from: the supervisor's own, minus its secrets. */
  traderBaseEnv: Readonly<Record<string, string>>;
}

/**
 * The reference trader (`hmmtrade trader run --config <instance yaml>`) through the bot image's
 * own entry, so it runs the same in the repository and in the image, which has no CLI.
 */
export function defaultTraderCommand(instanceFile: string): string[] {
  return [process.execPath, TRADER_BIN, 'run', '--config', instanceFile];
}

/** Where the supervisor writes the bot's profile (relative paths resolve against `workDir`). */
export function instanceFilePath(workDir: string, botId: string): string {
  return join(workDir, 'config', 'instances', `${botId}.yaml`);
}

/**
 * Parses the supervisor's environment (`process.env` unless given). Throws ConfigError naming
 * each bad variable, e.g. `invalid configuration: HMMTRADE_API_URL: must be an http(s) URL`;
 * the machine token's value never appears in a message.
 */
export function loadSupervisorConfig(env: Environment = process.env): SupervisorConfig {
  const parsed = parseEnv(supervisorEnvSchema, env);
  const workDir = resolve(parsed.BOT_WORK_DIR ?? join(tmpdir(), 'hmmtrade-bot', parsed.BOT_ID));
  const traderBaseEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !(SUPERVISOR_ONLY_VARS as readonly string[]).includes(name)) {
      traderBaseEnv[name] = value;
    }
  }
  return Object.freeze({
    botId: parsed.BOT_ID,
    apiUrl: parsed.HMMTRADE_API_URL,
    machineToken: parsed.HMMTRADE_MACHINE_TOKEN,
    traderCommand: Object.freeze(
      parsed.TRADER_COMMAND ?? defaultTraderCommand(instanceFilePath(workDir, parsed.BOT_ID)),
    ),
    workDir,
    spoolDir: resolve(workDir, parsed.SPOOL_DIR ?? 'spool'),
    stopTimeoutSeconds: parsed.STOP_TIMEOUT_SECONDS,
    heartbeatSeconds: parsed.HEARTBEAT_SECONDS,
    traderReloadSignal:
      parsed.TRADER_RELOAD_SIGNAL === 'none' ? undefined : parsed.TRADER_RELOAD_SIGNAL,
    traderBaseEnv: Object.freeze(traderBaseEnv),
  });
}
