import { HmmtradeError } from '@hmmtrade/platform';

/**
 * Non-secret name/value pairs bound to every wrap and unwrap (DESIGN §7: user id and connection
 * id). A data key wrapped under one context opens only under exactly the same pairs.
 */
export type EncryptionContext = Readonly<Record<string, string>>;

/** A fresh data key: `plaintext` to use once and zero, `ciphertext` (wrapped) to store. */
export interface GeneratedDataKey {
  plaintext: Uint8Array;
  ciphertext: Uint8Array;
  /** The full id of the key that wrapped it (an ARN for AWS, `local:<fingerprint>` locally). */
  keyId: string;
}

/**
 * The key-management port: wraps and unwraps data keys, never sees the secrets they protect.
 * Every failure is either a `KmsUnavailableError` (retry later) or a `KmsRejectedError`
 * (permanent until someone acts); adapters map their own errors onto these two.
 */
export interface KmsProvider {
  /** For logs and metrics: `aws-kms`, `local-kms`. */
  readonly name: string;
  /** A new 32-byte data key wrapped under `keyId` (an id, ARN or alias) with `context`. */
  generateDataKey(keyId: string, context: EncryptionContext): Promise<GeneratedDataKey>;
  /**
   * Unwraps `ciphertext` under `context`. With `expectedKeyId` (the id stored beside it), a blob
   * wrapped under any other key is rejected instead of trusted.
   */
  decrypt(
    ciphertext: Uint8Array,
    context: EncryptionContext,
    expectedKeyId?: string,
  ): Promise<{ plaintext: Uint8Array; keyId: string }>;
  /**
   * Re-wraps `ciphertext` under `newKeyId` (same context) without returning the plaintext key:
   * rotation. `expectedKeyId` as for `decrypt`, for the source side.
   */
  reEncrypt(
    ciphertext: Uint8Array,
    context: EncryptionContext,
    newKeyId: string,
    expectedKeyId?: string,
  ): Promise<{ ciphertext: Uint8Array; keyId: string }>;
}

/**
 * The key service is down, throttling or unreachable. Transient: callers answer 503 with
 * `Retry-After: retryAfterSeconds`, and the operator reports `CredentialsAvailable=False`,
 * reason `KMSUnavailable`, and retries with backoff.
 */
export class KmsUnavailableError extends HmmtradeError {
  readonly retryAfterSeconds: number;

  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super('KMS_UNAVAILABLE', message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds ?? 5;
  }
}

/**
 * The key service refused: wrong encryption context, tampered or foreign ciphertext, disabled or
 * unknown key. Permanent: retrying cannot help until the key or the data is fixed.
 */
export class KmsRejectedError extends HmmtradeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KMS_REJECTED', message, options);
  }
}
