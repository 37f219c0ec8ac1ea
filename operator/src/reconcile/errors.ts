/**
 * Reconcile errors carry their retry decision (DESIGN §4). Runtimes and sources map their own
 * failures onto these classes; the controller turns them into a requeue and conditions.
 */
export abstract class ReconcileError extends Error {
  abstract readonly kind: 'transient' | 'waiting' | 'stalled';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Retry with per-key exponential backoff (network blips, 5xx, conflicts). */
export class TransientError extends ReconcileError {
  readonly kind = 'transient';
}

/**
 * The runtime's backend as a whole is failing (outage, 5xx storm, 429): retried with backoff,
 * reported as `BackendAvailable=False`, counted by the runtime-wide circuit breaker, and never a
 * reason to destroy a bot or mark it Failed.
 */
export class BackendUnavailableError extends TransientError {}

/** A dependency is not ready yet; look again after `requeueAfterMs`, without counting a failure. */
export class WaitingError extends ReconcileError {
  readonly kind = 'waiting';
  readonly requeueAfterMs: number;

  constructor(message: string, requeueAfterMs: number, options?: { cause?: unknown }) {
    super(message, options);
    this.requeueAfterMs = requeueAfterMs;
  }
}

/** Needs a user fix (invalid spec, missing credentials): no retry until the spec changes. */
export class StalledError extends ReconcileError {
  readonly kind = 'stalled';
  /** The spec field at fault, e.g. `spec.profile.symbols[0]`, when there is one. */
  readonly field: string | undefined;

  constructor(message: string, options?: { cause?: unknown; field?: string }) {
    super(message, options);
    this.field = options?.field;
  }
}

/** Any error as a ReconcileError: unknown failures are treated as transient. */
export function toReconcileError(error: unknown): ReconcileError {
  if (error instanceof ReconcileError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TransientError(message, { cause: error });
}
