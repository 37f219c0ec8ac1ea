import { backoffDelay } from '../../queue/backoff.ts';
import { BackendUnavailableError, StalledError, TransientError } from '../../reconcile/errors.ts';
import type { ReconcileError } from '../../reconcile/errors.ts';
import type { ErrorResponse } from './machines-types.ts';

/** Retry policy for 408, 429, 5xx, network errors and timeouts. */
export interface RetryOptions {
  /** Tries per request, the first included (default 4). */
  maxAttempts?: number;
  /** Backoff ceiling after the first failure; doubles per failure, full jitter (default 200 ms). */
  baseMs?: number;
  /** Backoff ceiling (default 5 s). */
  maxMs?: number;
  /** A `Retry-After` longer than this is not waited for: the call fails instead (default 30 s). */
  maxRetryAfterMs?: number;
}

/** How requests reach the API. */
export interface MachinesHttpOptions {
  /** Base URL without `/v1`, e.g. `https://api.machines.dev`. */
  apiUrl: string;
  token: string;
  /** Per-request timeout (default 15 s); a request may ask for longer (wait). */
  requestTimeoutMs?: number;
  retry?: RetryOptions;
  fetch?: typeof fetch;
  /** Waits between retries (default a timer); injected by tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Randomness for jitter, in [0, 1). */
  random?: () => number;
  /** Epoch milliseconds, for `Retry-After` dates. */
  now?: () => number;
}

/** One API call. */
export interface HttpRequest {
  /** What the call does, for error messages, e.g. `create machine bot-a`. */
  operation: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path under the base URL, already encoded, e.g. `/v1/apps/x/machines`. */
  path: string;
  query?: Readonly<Record<string, string | number | boolean | undefined>>;
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
  timeoutMs?: number;
  /** A pause before the first attempt, for an API known not to answer usefully at once. */
  pauseMs?: number;
  /** Called before every attempt (rate limiting). */
  beforeAttempt?: () => Promise<void>;
  /**
   * Overrides whether a status is retried for this call (e.g. a wait retries 404 right after
   * create, and takes 408 as its answer); undefined keeps the default (408, 429, 5xx).
   */
  retryStatus?: (status: number) => boolean | undefined;
  /** Values that must never appear in an error message (env values sent in the body). */
  secrets?: readonly string[];
}

/** A successful (2xx) response. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** The API's answer behind a reconcile error, as its `cause`. */
export class FlyHttpError extends Error {
  readonly status: number;
  readonly code: string | undefined;

  constructor(message: string, status: number, code: string | undefined) {
    super(message);
    this.name = 'FlyHttpError';
    this.status = status;
    this.code = code;
  }
}

/** The HTTP status behind a client error, if the API answered at all. */
export function flyStatusOf(error: unknown): number | undefined {
  if (error instanceof FlyHttpError) return error.status;
  if (error instanceof Error && error.cause instanceof FlyHttpError) return error.cause.status;
  return undefined;
}

/** The machine-readable `status` of the API's error body (e.g. `name_taken`). */
export function flyCodeOf(error: unknown): string | undefined {
  if (error instanceof Error && error.cause instanceof FlyHttpError) return error.cause.code;
  return undefined;
}

const MAX_MESSAGE = 300;

/** Executes requests with auth, timeout, retries and error mapping. */
export type HttpExecutor = (request: HttpRequest) => Promise<HttpResponse>;

export function createHttpExecutor(options: MachinesHttpOptions): HttpExecutor {
  const base = options.apiUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const maxAttempts = Math.max(1, options.retry?.maxAttempts ?? 4);
  const backoff = { baseMs: options.retry?.baseMs ?? 200, maxMs: options.retry?.maxMs ?? 5_000 };
  const maxRetryAfterMs = options.retry?.maxRetryAfterMs ?? 30_000;
  const defaultTimeoutMs = options.requestTimeoutMs ?? 15_000;

  const redact = (text: string, request: HttpRequest): string => {
    let out = text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
    for (const secret of [options.token, ...(request.secrets ?? [])]) {
      if (secret.length >= 4) out = out.split(secret).join('[redacted]');
    }
    return out;
  };

  const url = (request: HttpRequest): string => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) search.set(key, String(value));
    }
    const query = search.toString();
    return `${base}${request.path}${query ? `?${query}` : ''}`;
  };

  const attempt = (request: HttpRequest): Promise<Response> => {
    const headers: Record<string, string> = {
      ...request.headers,
      authorization: `Bearer ${options.token}`,
      accept: 'application/json',
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    return doFetch(url(request), {
      method: request.method,
      headers,
      body: request.body === undefined ? null : JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs ?? defaultTimeoutMs),
    });
  };

  return async (request) => {
    const what = `fly: ${request.operation}`;
    if (request.pauseMs) await sleep(request.pauseMs);
    for (let n = 1; ; n++) {
      await request.beforeAttempt?.();
      let response: Response;
      let body: unknown;
      try {
        response = await attempt(request);
        body = parseBody(await response.text());
      } catch (error) {
        if (n < maxAttempts) {
          await sleep(backoffDelay(n, backoff, random));
          continue;
        }
        throw new BackendUnavailableError(`${what}: ${describeNetworkError(error)}`, {
          cause: error,
        });
      }
      const { status } = response;
      if (status >= 200 && status < 300) return { status, headers: response.headers, body };
      const apiMessage = redact(errorMessage(body, response.statusText), request);
      const code = errorCode(body);
      const retryable = request.retryStatus?.(status) ?? isRetryable(status);
      if (retryable && n < maxAttempts) {
        const retryAfter = retryAfterMs(response.headers.get('retry-after'), now());
        if (retryAfter === undefined || retryAfter <= maxRetryAfterMs) {
          await sleep(retryAfter ?? backoffDelay(n, backoff, random));
          continue;
        }
      }
      throw mapError(what, new FlyHttpError(`${status} ${apiMessage}`, status, code));
    }
  };
}

const isRetryable = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/** Final failures onto the reconcile error classes (DESIGN §4). */
function mapError(what: string, cause: FlyHttpError): ReconcileError {
  const { status } = cause;
  if (status === 401 || status === 403) {
    return new StalledError(`${what}: Fly token rejected (${status})`, { cause });
  }
  if (status === 400 || status === 422) {
    return new StalledError(`${what}: rejected: ${cause.message}`, { cause });
  }
  if (isRetryable(status))
    return new BackendUnavailableError(`${what}: ${cause.message}`, { cause });
  return new TransientError(`${what}: ${cause.message}`, { cause });
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function errorMessage(body: unknown, fallback: string): string {
  if (typeof body === 'string' && body.trim() !== '') return body.trim();
  if (body && typeof body === 'object') {
    const { error } = body as ErrorResponse;
    if (typeof error === 'string' && error !== '') return error;
  }
  return fallback || 'no message';
}

function errorCode(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const { status } = body as ErrorResponse;
    if (typeof status === 'string') return status;
  }
  return undefined;
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return 'request timed out';
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return `network error${typeof code === 'string' ? ` (${code})` : ''}`;
}

/** `Retry-After` as milliseconds from `now`: delay-seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
