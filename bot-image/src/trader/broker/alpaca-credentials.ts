import { readFile, stat } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import type { Environment } from '@hmmtrade/platform';
import { loadTraderEnv } from '../config.ts';
import { BrokerError } from './broker.ts';

/** An Alpaca key pair. */
export interface AlpacaCredentials {
  keyId: string;
  secretKey: string;
}

/** Hands out the current key pair; asked before every request. */
export type CredentialSource = () => Promise<AlpacaCredentials>;

/**
 * The key pair from `envFile` layered over `env`. The supervisor rewrites its `.env` whenever
 * it refreshes the short-lived broker token, so the file is re-read whenever its modification
 * time changes (one stat per request). Without the file, `env` alone counts.
 */
export function createEnvFileCredentials(options: {
  envFile: string | undefined;
  env: Environment;
}): CredentialSource {
  let cached: { mtimeMs: number; credentials: AlpacaCredentials } | null = null;
  const fromEnv = (env: Environment, where: string): AlpacaCredentials => {
    const { keyId, secretKey } = loadTraderEnv(env);
    if (keyId === undefined || secretKey === undefined) {
      throw new BrokerError(
        `alpaca: APCA_API_KEY_ID and APCA_API_SECRET_KEY are not set (${where})`,
      );
    }
    return { keyId, secretKey };
  };
  return async () => {
    const file = options.envFile;
    const info = file === undefined ? null : await stat(file).catch(() => null);
    if (file === undefined || info === null) return fromEnv(options.env, 'environment');
    if (cached === null || cached.mtimeMs !== info.mtimeMs) {
      const fileEnv = parseEnv(await readFile(file, 'utf8'));
      cached = {
        mtimeMs: info.mtimeMs,
        credentials: fromEnv({ ...options.env, ...fileEnv }, file),
      };
    }
    return cached.credentials;
  };
}
