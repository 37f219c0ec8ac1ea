import { ApiException } from '@kubernetes/client-node';
import { BackendUnavailableError, ReconcileError, StalledError } from '../../reconcile/errors.ts';
import { TransientError } from '../../reconcile/errors.ts';

/** The parts of a Kubernetes `Status` answer this runtime reads. */
interface ApiStatus {
  code: number;
  reason: string | undefined;
  message: string | undefined;
}

/** The HTTP code and Status of an API error, or undefined when it is not an API answer. */
export function apiStatusOf(error: unknown): ApiStatus | undefined {
  if (!(error instanceof ApiException)) return undefined;
  const raw: unknown = error.body;
  let body: unknown = raw;
  if (typeof raw === 'string') {
    try {
      body = JSON.parse(raw);
    } catch {
      body = { message: raw.trim() };
    }
  }
  const status = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  return { code: error.code, reason: text(status.reason), message: text(status.message) };
}

export const isNotFound = (error: unknown): boolean => apiStatusOf(error)?.code === 404;

export const isAlreadyExists = (error: unknown): boolean => {
  const status = apiStatusOf(error);
  return status?.code === 409 && status.reason === 'AlreadyExists';
};

/**
 * A failed API call as a reconcile error (DESIGN §4):
 * - 429, 5xx, 401 and network failures: the apiserver (or our access to it) is failing as a
 *   whole → `BackendUnavailableError`;
 * - 409 (a conflict or a race), 404 and anything unknown → `TransientError`;
 * - 400, 422 (the object is invalid) and 403 (RBAC or an admission policy forbids it) need
 *   someone to change the spec, the operator's role or the policy → `StalledError` carrying the apiserver's message.
 */
export function kubeError(action: string, error: unknown): ReconcileError {
  if (error instanceof ReconcileError) return error;
  const status = apiStatusOf(error);
  if (!status) {
    const text = error instanceof Error ? error.message : String(error);
    const message = `kubernetes: ${action}: ${text}`;
    return isNetworkError(error)
      ? new BackendUnavailableError(message, { cause: error })
      : new TransientError(message, { cause: error });
  }
  const { code } = status;
  const message = `kubernetes: ${action}: ${status.message ?? `HTTP ${String(code)}`}`;
  if (code === 429 || code >= 500 || code === 401) {
    return new BackendUnavailableError(message, { cause: error });
  }
  // 403: RBAC, or an admission policy such as Pod Security; the message says which.
  if (code === 400 || code === 403 || code === 422) {
    return new StalledError(message, { cause: error });
  }
  return new TransientError(message, { cause: error });
}

/** undici's `fetch failed` (refused, reset, DNS, TLS) and aborted or timed-out requests. */
function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return true;
  return error instanceof TypeError && error.message === 'fetch failed';
}
