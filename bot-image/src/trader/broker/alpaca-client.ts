import type { CredentialSource } from './alpaca-credentials.ts';
import { BrokerError } from './broker.ts';

/** Alpaca's public endpoints: paper trading, live trading and market data. */
export const ALPACA_URLS = {
  paper: 'https://paper-api.alpaca.markets',
  live: 'https://api.alpaca.markets',
  data: 'https://data.alpaca.markets',
} as const;

/** How to reach Alpaca. The keys are sent as headers, never logged. */
export interface AlpacaConnection {
  /** Asked before each request, so a refreshed key pair is picked up. */
  credentials: CredentialSource;
  /** Trading API base URL (paper or live). */
  tradingBaseUrl: string;
  /** Market data API base URL. */
  dataBaseUrl: string;
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch;
  /** Per-request timeout in ms. Default 15 000. */
  timeoutMs?: number;
}

/** A thin JSON client over Alpaca's REST APIs. */
export interface AlpacaClient {
  trading<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  data<T>(path: string, query: Record<string, string | number | undefined>): Promise<T>;
}

/**
 * Non-2xx answers become a BrokerError carrying the HTTP status and Alpaca's `message`; a
 * network failure or timeout becomes a BrokerError with status null.
 */
export function createAlpacaClient(connection: AlpacaConnection): AlpacaClient {
  const doFetch = connection.fetch ?? fetch;
  const timeoutMs = connection.timeoutMs ?? 15_000;
  const request = async <T>(url: URL, init: RequestInit, what: string): Promise<T> => {
    const { keyId, secretKey } = await connection.credentials();
    const headers = {
      'APCA-API-KEY-ID': keyId,
      'APCA-API-SECRET-KEY': secretKey,
      accept: 'application/json',
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    let response: Response;
    try {
      response = await doFetch(url, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new BrokerError(`alpaca: ${what}: ${describe(error)}`, null, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) {
      throw new BrokerError(
        `alpaca: ${what}: HTTP ${response.status}: ${alpacaMessage(text)}`,
        response.status,
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new BrokerError(`alpaca: ${what}: response is not JSON`, response.status, {
        cause: error,
      });
    }
  };
  return {
    trading: (method, path, body) =>
      request(
        resolve(connection.tradingBaseUrl, path),
        { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
        `${method} ${path}`,
      ),
    data: (path, query) => {
      const url = resolve(connection.dataBaseUrl, path);
      for (const [key, value] of Object.entries(query)) {
        if (value !== undefined) url.searchParams.set(key, String(value));
      }
      return request(url, { method: 'GET' }, `GET ${path}`);
    },
  };
}

/** Joins so that a base URL with a path (a proxy prefix such as https://h/alpaca) keeps it. */
function resolve(base: string, path: string): URL {
  return new URL(path.replace(/^\/+/, ''), base.endsWith('/') ? base : `${base}/`);
}

function alpacaMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 200) || '(empty body)';
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  return error instanceof Error ? error.message : String(error);
}
