/** Every error code the API can answer with: a closed set clients can switch on. */
export type HttpErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** One field-level problem in a rejected request. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** An error the API answers with `status` and a JSON body `{ error: { code, message, issues? } }`. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: HttpErrorCode;
  readonly issues: FieldIssue[] | undefined;
  /** Sent as Retry-After (seconds) on 429 and 503 answers. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: HttpErrorCode,
    message: string,
    options?: { cause?: unknown; issues?: FieldIssue[]; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.issues = options?.issues;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}
