import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { instanceFilePath } from './config.ts';
import type { BotProfile, BrokerToken } from './control-plane.schemas.ts';
import { toYaml, type YamlValue } from './yaml-writer.ts';

/** Alpaca's trading API per environment, as `APCA_API_BASE_URL`. */
export const ALPACA_BASE_URLS = {
  paper: 'https://paper-api.alpaca.markets',
  live: 'https://api.alpaca.markets',
} as const;

/** Where the regime-trader layout lives inside the work directory. */
export interface InstancePaths {
  /** `<work>/config/instances/<bot id>.yaml`: the profile, no secrets. */
  instanceFile: string;
  /** `<work>/.env`, mode 0600: the broker credential and the bot id. */
  envFile: string;
}

export function instancePaths(workDir: string, botId: string): InstancePaths {
  return { instanceFile: instanceFilePath(workDir, botId), envFile: join(workDir, '.env') };
}

/** The instance YAML (format in bot-image/README.md). Holds no credential by construction. */
export function renderInstanceYaml(profile: BotProfile, token: BrokerToken): string {
  const doc: YamlValue = {
    bot: { id: profile.botId, name: profile.name, generation: profile.generation },
    mode: profile.profile_json.mode,
    broker: {
      kind: profile.profile_json.broker.kind,
      environment: token.environment,
      ...(profile.connection ? { connectionLabel: profile.connection.label } : {}),
    },
    profile: profile.profile_json.profile as YamlValue,
  };
  return (
    '# Written by the hmmtrade supervisor at every boot; edits are overwritten.\n' +
    '# Broker credentials are not here: they are in the .env of the working directory.\n' +
    toYaml(doc)
  );
}

/**
 * The variables the trader gets, in `.env` and in its environment: `BOT_ID`, the mode and
 * broker facts, and the credential: `APCA_API_KEY_ID` / `APCA_API_SECRET_KEY` /
 * `APCA_API_BASE_URL` for alpaca, `HMMTRADE_SIM_TOKEN` for sim.
 */
export function brokerEnv(
  botId: string,
  profile: BotProfile,
  token: BrokerToken,
): Record<string, string> {
  const env: Record<string, string> = {
    BOT_ID: botId,
    HMMTRADE_MODE: profile.profile_json.mode,
    HMMTRADE_BROKER_KIND: token.kind,
    HMMTRADE_BROKER_ENVIRONMENT: token.environment,
    HMMTRADE_BROKER_EXPIRES_AT: token.expiresAt,
  };
  if (token.kind === 'alpaca') {
    if (!token.credentials) throw new Error('the alpaca broker token carries no credentials');
    env.APCA_API_KEY_ID = token.credentials.keyId;
    env.APCA_API_SECRET_KEY = token.credentials.secretKey;
    env.APCA_API_BASE_URL = ALPACA_BASE_URLS[token.environment];
  } else if (token.token !== undefined) {
    env.HMMTRADE_SIM_TOKEN = token.token;
  }
  return env;
}

/** dotenv text: `NAME=value`, double-quoted (with `\\` and `"` escaped) unless plain. */
export function renderDotEnv(env: Readonly<Record<string, string>>): string {
  const body = Object.entries(env).map(([name, value]) => {
    if (/[\n\r\0]/.test(value)) throw new Error(`.env: the value of ${name} spans lines`);
    const plain = /^[A-Za-z0-9_./:@+=,-]*$/.test(value);
    return `${name}=${plain ? value : `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`}`;
  });
  return [
    '# Written by the hmmtrade supervisor; rewritten (atomically) at each broker-token refresh.',
    ...body,
    '',
  ].join('\n');
}

/** Writes the instance YAML (0644) and `.env` (0600), each replaced atomically. */
export async function writeInstanceFiles(
  paths: InstancePaths,
  yaml: string,
  env: Readonly<Record<string, string>>,
): Promise<void> {
  await writeAtomically(paths.instanceFile, yaml, 0o644);
  await writeEnvFile(paths.envFile, env);
}

/** Replaces `.env` atomically with mode 0600, so the trader never reads half a file. */
export function writeEnvFile(envFile: string, env: Readonly<Record<string, string>>) {
  return writeAtomically(envFile, renderDotEnv(env), 0o600);
}

async function writeAtomically(file: string, text: string, mode: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, { mode, flag: 'wx', flush: true });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
