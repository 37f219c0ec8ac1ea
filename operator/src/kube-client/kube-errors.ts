/** The parts of a Kubernetes `Status` answer the operator reads. */
export interface KubeStatus {
  code: number;
  reason: string | undefined;
  message: string | undefined;
}

/** The apiserver answered a request with an error status (its `Status` body, when it sent one). */
export class KubeApiError extends Error {
  readonly code: number;
  readonly reason: string | undefined;
  readonly apiMessage: string | undefined;

  constructor(action: string, status: KubeStatus) {
    super(`${action}: ${status.message ?? `HTTP ${String(status.code)}`}`);
    this.name = 'KubeApiError';
    this.code = status.code;
    this.reason = status.reason;
    this.apiMessage = status.message;
  }
}

/** No answer from the apiserver: refused, reset, TLS, DNS or timed out. */
export class KubeNetworkError extends Error {
  override name = 'KubeNetworkError';
}

/** The apiserver answered 410 Gone: a resourceVersion or continue token is too old; relist. */
export class ResourceExpiredError extends Error {}

/** The Status in an error answer's body (JSON, or plain text from a proxy), with `code`. */
export function parseStatus(code: number, body: string): KubeStatus {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = { message: body.trim() };
  }
  const fields =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  return { code, reason: text(fields.reason), message: text(fields.message) };
}

/**
 * The HTTP status of a failed Kubernetes call: KubeApiError's code, the `statusCode` of
 * @kubernetes/client-node's Watch errors, 410 for ResourceExpiredError, else undefined (network).
 */
export function statusCode(error: unknown): number | undefined {
  if (error instanceof KubeApiError) return error.code;
  if (error instanceof ResourceExpiredError) return 410;
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode: httpStatus } = error as { statusCode?: unknown };
  return typeof httpStatus === 'number' ? httpStatus : undefined;
}

export const isConflict = (error: unknown): boolean => statusCode(error) === 409;
export const isNotFound = (error: unknown): boolean => statusCode(error) === 404;
export const isGone = (error: unknown): boolean => statusCode(error) === 410;
export const isAlreadyExists = (error: unknown): boolean =>
  error instanceof KubeApiError && error.code === 409 && error.reason === 'AlreadyExists';

/** An error for a `Status` object the apiserver sent (a watch ERROR event). */
export function statusError(status: unknown): Error {
  const { code, message, reason } = (status ?? {}) as {
    code?: unknown;
    message?: unknown;
    reason?: unknown;
  };
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  if (code === 410) {
    return new ResourceExpiredError(`watch: ${text(reason) ?? 'Expired'}: ${text(message) ?? ''}`);
  }
  return new KubeApiError('watch', {
    code: typeof code === 'number' ? code : 500,
    reason: text(reason),
    message: text(message) ?? JSON.stringify(status),
  });
}
