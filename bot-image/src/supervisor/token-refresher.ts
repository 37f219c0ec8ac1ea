import { backoffDelay, formatDelay, type BackoffPolicy } from './backoff.ts';
import { ControlPlaneError } from './control-plane.client.ts';
import type { BrokerToken } from './control-plane.schemas.ts';

/** Share of a token's life after which it is replaced. */
export const REFRESH_AT_FRACTION = 0.8;
/** Never refresh more often than this, even for a token that is already expired. */
const MIN_REFRESH_DELAY_MS = 250;

export interface TokenRefresherOptions {
  /** The token in use and when it was fetched (epoch ms). */
  initial: BrokerToken;
  fetchedAt: number;
  fetchToken(signal: AbortSignal): Promise<BrokerToken>;
  /** Puts a new token in place (rewrites `.env`, notifies the trader). */
  install(token: BrokerToken): Promise<void>;
  now: () => number;
  random: () => number;
  backoff: BackoffPolicy;
  say: (message: string) => void;
}

/** Stops the refresh timer; see startTokenRefresher. */
export interface TokenRefresher {
  stop(): void;
}

/** When a token fetched at `fetchedAt` should be replaced (epoch ms). */
export function refreshDueAt(token: BrokerToken, fetchedAt: number): number {
  const life = Date.parse(token.expiresAt) - fetchedAt;
  return fetchedAt + Math.max(0, life) * REFRESH_AT_FRACTION;
}

/**
 * Replaces the broker token at 80% of its life. A failed refresh is retried with backoff and
 * reported on stdout; the trader keeps the old credential meanwhile (DESIGN §5: a control plane
 * or KMS outage never stops a running bot).
 */
export function startTokenRefresher(options: TokenRefresherOptions): TokenRefresher {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let expiresAt = options.initial.expiresAt;

  const schedule = (at: number) => {
    if (abort.signal.aborted) return;
    const delay = Math.max(MIN_REFRESH_DELAY_MS, at - options.now());
    timer = setTimeout(() => void refresh(), delay);
  };

  async function refresh(): Promise<void> {
    try {
      const token = await options.fetchToken(abort.signal);
      if (abort.signal.aborted) return;
      const fetchedAt = options.now();
      await options.install(token);
      failures = 0;
      expiresAt = token.expiresAt;
      schedule(refreshDueAt(token, fetchedAt));
    } catch (error) {
      if (abort.signal.aborted) return;
      const reason = error instanceof ControlPlaneError ? error.reason : (error as Error).message;
      const retryAfter = error instanceof ControlPlaneError ? error.retryAfterMs : undefined;
      const delay = backoffDelay(failures, options.backoff, options.random, retryAfter);
      failures += 1;
      options.say(
        `broker token refresh failed (${reason}); the current one expires at ${expiresAt}, ` +
          `retrying in ${formatDelay(delay)}`,
      );
      schedule(options.now() + delay);
    }
  }

  schedule(refreshDueAt(options.initial, options.fetchedAt));
  return {
    stop() {
      abort.abort();
      if (timer) clearTimeout(timer);
    },
  };
}
