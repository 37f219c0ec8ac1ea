/** Alpaca API key pair. */
export interface AlpacaCredentials {
  keyId: string;
  secretKey: string;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string; unavailable?: boolean };

/** Checks broker keys against the broker itself. */
export interface BrokerVerifier {
  verifyAlpaca(
    environment: 'paper' | 'live',
    credentials: AlpacaCredentials,
  ): Promise<VerifyResult>;
}

/** Alpaca's trading API roots; tests point them at a stub. */
export interface AlpacaEndpoints {
  paper: string;
  live: string;
}

export const ALPACA_ENDPOINTS: AlpacaEndpoints = {
  paper: 'https://paper-api.alpaca.markets',
  live: 'https://api.alpaca.markets',
};

/** Verifies Alpaca keys with `GET /v2/account`; the keys never appear in a reason. */
export function createAlpacaVerifier(
  endpoints: AlpacaEndpoints = ALPACA_ENDPOINTS,
): BrokerVerifier {
  return {
    async verifyAlpaca(environment, credentials) {
      try {
        const response = await fetch(`${endpoints[environment]}/v2/account`, {
          headers: {
            'APCA-API-KEY-ID': credentials.keyId,
            'APCA-API-SECRET-KEY': credentials.secretKey,
          },
          signal: AbortSignal.timeout(10_000),
        });
        if (response.ok) return { ok: true };
        if (response.status === 401 || response.status === 403) {
          return {
            ok: false,
            reason: `Alpaca ${environment} rejected the keys (${response.status})`,
          };
        }
        return {
          ok: false,
          unavailable: true,
          reason: `Alpaca ${environment} answered ${response.status}`,
        };
      } catch (error) {
        return {
          ok: false,
          unavailable: true,
          reason: `Alpaca ${environment} unreachable: ${(error as Error).name}`,
        };
      }
    },
  };
}
