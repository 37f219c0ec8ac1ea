import type { ZodMiniType } from 'zod/mini';
import {
  botProfileResponseSchema,
  brokerTokenResponseSchema,
  errorBodySchema,
  type BotEvent,
  type BotProfile,
  type BrokerToken,
  type LogLine,
} from './control-plane.schemas.ts';
import { httpRequest, type HttpAnswer } from './http-request.ts';

/**
 * A failed call to the control plane. `retriable` says whether waiting can fix it (network
 * errors, timeouts, 408, 429, 5xx); `reason` is one line for a person (`503 KMS unavailable`,
 * `connect ECONNREFUSED 127.0.0.1:8080`) and never holds a credential.
 */
export class ControlPlaneError extends Error {
  readonly status: number | undefined;
  readonly retriable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly reason: string;

  constructor(
    reason: string,
    options: { status?: number; retriable: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(`control plane: ${reason}`, { cause: options.cause });
    this.name = 'ControlPlaneError';
    this.reason = reason;
    this.status = options.status;
    this.retriable = options.retriable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The bot's side of the bot protocol (DESIGN §6), authenticated with the machine JWT. */
export interface ControlPlaneClient {
  fetchProfile(signal?: AbortSignal): Promise<BotProfile>;
  fetchBrokerToken(signal?: AbortSignal): Promise<BrokerToken>;
  postLogs(bootId: string, lines: readonly LogLine[], signal?: AbortSignal): Promise<void>;
  postEvents(bootId: string, events: readonly BotEvent[], signal?: AbortSignal): Promise<void>;
}

export interface ControlPlaneClientOptions {
  apiUrl: string;
  botId: string;
  machineToken: string;
  /** Per-request timeout, the answer's body included; default 15 s. */
  timeoutMs?: number;
}

export function createControlPlaneClient(options: ControlPlaneClientOptions): ControlPlaneClient {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const base = options.apiUrl.replace(/\/+$/, '');
  const botPath = `/api/v1/internal/bots/${encodeURIComponent(options.botId)}`;

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: ZodMiniType<T> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<T | undefined> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: HttpAnswer;
    try {
      response = await httpRequest(new URL(`${base}${path}`), {
        method,
        headers: {
          authorization: `Bearer ${options.machineToken}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      const reason = timeout.aborted ? `no answer within ${timeoutMs} ms` : networkReason(error);
      throw new ControlPlaneError(reason, { retriable: true, cause: error });
    }
    const { status, text } = response;
    if (status < 200 || status > 299) throw httpError(response);
    if (!schema) return undefined;
    const parsed = schema.safeParse(parseJson(text));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
      throw new ControlPlaneError(`unexpected answer to ${method} ${path} (${where})`, {
        status,
        retriable: false,
      });
    }
    return parsed.data;
  }

  return {
    async fetchProfile(signal) {
      return (await call('GET', botPath, undefined, botProfileResponseSchema, signal))!;
    },
    async fetchBrokerToken(signal) {
      const path = '/api/v1/internal/broker_token';
      return (await call('POST', path, undefined, brokerTokenResponseSchema, signal))!;
    },
    async postLogs(bootId, lines, signal) {
      await call('POST', `${botPath}/logs`, { bootId, lines }, undefined, signal);
    },
    async postEvents(bootId, events, signal) {
      await call('POST', `${botPath}/events`, { bootId, events }, undefined, signal);
    },
  };
}

function httpError({ status, statusText, headers, text }: HttpAnswer): ControlPlaneError {
  const body = errorBodySchema.safeParse(parseJson(text));
  const detail = body.success ? body.data.error.message : statusText;
  const retriable = status === 408 || status === 429 || status >= 500;
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  return new ControlPlaneError(`${status} ${detail}`.trim(), {
    status,
    retriable,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** `Retry-After` as seconds or an HTTP date, in ms from now. */
function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The socket's reason; when several addresses were tried (IPv6 and IPv4), the first one's. */
function networkReason(error: unknown): string {
  const first: unknown = error instanceof AggregateError ? error.errors[0] : undefined;
  if (first instanceof Error) return first.message;
  return error instanceof Error ? error.message : String(error);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
