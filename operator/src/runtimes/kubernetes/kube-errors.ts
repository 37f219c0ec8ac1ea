import { KubeApiError, KubeNetworkError } from '../../kube-client/kube-errors.ts';
import { BackendUnavailableError, ReconcileError, StalledError } from '../../reconcile/errors.ts';
import { TransientError } from '../../reconcile/errors.ts';

/**
 * A failed API call as a reconcile error (DESIGN §4):
 * - 429, 5xx, 401 and no answer at all: the apiserver (or our access to it) is failing as a
 *   whole → `BackendUnavailableError`;
 * - 409 (a conflict or a race), 404 and anything unknown → `TransientError`;
 * - 400, 422 (the object is invalid) and 403 (RBAC or an admission policy forbids it) need
 *   someone to change the spec, the operator's role or the policy → `StalledError` carrying the apiserver's message.
 */
export function kubeError(action: string, error: unknown): ReconcileError {
  if (error instanceof ReconcileError) return error;
  if (!(error instanceof KubeApiError)) {
    const text = error instanceof Error ? error.message : String(error);
    const message = `kubernetes: ${action}: ${text}`;
    return error instanceof KubeNetworkError
      ? new BackendUnavailableError(message, { cause: error })
      : new TransientError(message, { cause: error });
  }
  const { code } = error;
  const message = `kubernetes: ${action}: ${error.apiMessage ?? `HTTP ${String(code)}`}`;
  if (code === 429 || code >= 500 || code === 401) {
    return new BackendUnavailableError(message, { cause: error });
  }
  // 403: RBAC, or an admission policy such as Pod Security; the message says which.
  if (code === 400 || code === 403 || code === 422) {
    return new StalledError(message, { cause: error });
  }
  return new TransientError(message, { cause: error });
}
