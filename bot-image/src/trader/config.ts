import { z } from 'zod';
import { parseEnv, type Environment } from '@hmmtrade/platform';

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const traderEnvSchema = z.object({
  APCA_API_KEY_ID: optional(z.string()),
  APCA_API_SECRET_KEY: optional(z.string()),
  APCA_API_BASE_URL: optional(z.url({ message: 'must be an http(s) URL', protocol: /^https?$/ })),
  APCA_API_DATA_URL: optional(z.url({ message: 'must be an http(s) URL', protocol: /^https?$/ })),
  HMMTRADE_DATA_FEED: optional(z.enum(['iex', 'sip'], { message: 'must be iex or sip' })),
  HMMTRADE_ENV_FILE: optional(z.string()),
});

/** What the trader reads from its environment (and from the supervisor's `.env`). */
export interface TraderEnv {
  /** Alpaca key id and secret; required only for the alpaca broker. Secrets: never logged. */
  keyId: string | undefined;
  secretKey: string | undefined;
  /** Trading API base URL; unset: paper or live by the instance's mode. */
  tradingBaseUrl: string | undefined;
  /** Market data base URL; unset: https://data.alpaca.markets. */
  dataBaseUrl: string | undefined;
  /** Alpaca stock feed; unset: iex (what free plans get). */
  dataFeed: 'iex' | 'sip' | undefined;
  /** The supervisor's `.env` (absolute path), which it rewrites at each credential refresh. */
  envFile: string | undefined;
}

/**
 * APCA_API_KEY_ID, APCA_API_SECRET_KEY, APCA_API_BASE_URL (Alpaca's own names, as the
 * supervisor writes them), APCA_API_DATA_URL, HMMTRADE_DATA_FEED and HMMTRADE_ENV_FILE (set by the
 * supervisor). Throws a ConfigError
 * naming the variable on a bad value.
 */
export function loadTraderEnv(env: Environment = process.env): TraderEnv {
  const parsed = parseEnv(traderEnvSchema, env);
  return Object.freeze({
    keyId: parsed.APCA_API_KEY_ID,
    secretKey: parsed.APCA_API_SECRET_KEY,
    tradingBaseUrl: parsed.APCA_API_BASE_URL,
    dataBaseUrl: parsed.APCA_API_DATA_URL,
    dataFeed: parsed.HMMTRADE_DATA_FEED,
    envFile: parsed.HMMTRADE_ENV_FILE,
  });
}

/** The process environment, for callers outside config files that must pass it down. */
export function processEnvironment(): Environment {
  return process.env;
}
