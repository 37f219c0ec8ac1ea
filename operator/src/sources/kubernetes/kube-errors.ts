/** The apiserver answered 410 Gone: a resourceVersion or continue token is too old; relist. */
export class ResourceExpiredError extends Error {}

/**
 * The HTTP status of a failed Kubernetes call: `ApiException.code` of @kubernetes/client-node,
 * the `statusCode` of its Watch errors, 410 for ResourceExpiredError, else undefined (network).
 */
export function statusCode(error: unknown): number | undefined {
  if (error instanceof ResourceExpiredError) return 410;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode: httpStatus } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  return typeof httpStatus === 'number' ? httpStatus : undefined;
}

export const isConflict = (error: unknown): boolean => statusCode(error) === 409;
export const isNotFound = (error: unknown): boolean => statusCode(error) === 404;
export const isGone = (error: unknown): boolean => statusCode(error) === 410;

/** An error for a `Status` object the apiserver sent (a watch ERROR event). */
export function statusError(status: unknown): Error {
  const { code, message, reason } = (status ?? {}) as {
    code?: unknown;
    message?: unknown;
    reason?: unknown;
  };
  const text = `watch: ${typeof reason === 'string' ? reason : 'error'}: ${typeof message === 'string' ? message : JSON.stringify(status)}`;
  if (code === 410) return new ResourceExpiredError(text);
  return Object.assign(new Error(text), typeof code === 'number' ? { code } : {});
}
