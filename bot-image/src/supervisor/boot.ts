import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, formatDelay, type BackoffPolicy } from './backoff.ts';
import { ControlPlaneError, type ControlPlaneClient } from './control-plane.client.ts';
import type { BotProfile, BrokerToken } from './control-plane.schemas.ts';

/** What boot needs from the control plane. */
export interface BootMaterial {
  profile: BotProfile;
  token: BrokerToken;
  /** When the token was received (epoch ms), for its refresh. */
  tokenFetchedAt: number;
}

/** Boot ended: the material, a fatal refusal (with a message for a person), or a stop signal. */
export type BootOutcome =
  | { kind: 'ready'; material: BootMaterial }
  | { kind: 'fatal'; message: string }
  | { kind: 'stopped' };

export interface BootOptions {
  client: ControlPlaneClient;
  botId: string;
  backoff: BackoffPolicy;
  random: () => number;
  now: () => number;
  say: (message: string) => void;
  /** Aborted by SIGTERM/SIGINT: waiting ends at once. */
  stop: AbortSignal;
}

/**
 * Fetches the profile, then a broker token, each retried while the control plane (or its KMS)
 * is unavailable, saying why before each wait:
 * `waiting for the control plane: 503 KMS unavailable, retrying in 4s`. Answers that waiting
 * cannot fix (401, 403, 404, a malformed answer) end the boot.
 */
export async function fetchBootMaterial(options: BootOptions): Promise<BootOutcome> {
  let asking: 'profile' | 'token' = 'profile';
  try {
    const profile = await withRetry(options, (signal) => options.client.fetchProfile(signal));
    asking = 'token';
    const token = await withRetry(options, (signal) => options.client.fetchBrokerToken(signal));
    return { kind: 'ready', material: { profile, token, tokenFetchedAt: options.now() } };
  } catch (error) {
    if (options.stop.aborted) return { kind: 'stopped' };
    if (!(error instanceof ControlPlaneError)) throw error;
    return { kind: 'fatal', message: fatalMessage(error, options.botId, asking) };
  }
}

async function withRetry<T>(
  options: BootOptions,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call(options.stop);
    } catch (error) {
      if (options.stop.aborted || !(error instanceof ControlPlaneError) || !error.retriable) {
        throw error;
      }
      const delay = backoffDelay(attempt, options.backoff, options.random, error.retryAfterMs);
      options.say(
        `waiting for the control plane: ${error.reason}, retrying in ${formatDelay(delay)}`,
      );
      try {
        await sleep(delay, undefined, { signal: options.stop });
      } catch {
        throw error; // stopped while waiting
      }
    }
  }
}

function fatalMessage(error: ControlPlaneError, botId: string, asking: 'profile' | 'token') {
  const what = asking === 'profile' ? 'the bot profile' : 'a broker token';
  switch (error.status) {
    case 401:
      return `the control plane refused the machine token (${error.reason}); check HMMTRADE_MACHINE_TOKEN`;
    case 403:
      return `the machine token may not read ${what} (${error.reason})`;
    case 404:
      return asking === 'profile'
        ? `the control plane knows no bot ${botId} for this machine token (${error.reason})`
        : `the control plane has no broker credential for bot ${botId} (${error.reason})`;
    default:
      return `cannot get ${what} from the control plane (${error.reason})`;
  }
}
