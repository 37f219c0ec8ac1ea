import {
  DecryptCommand,
  GenerateDataKeyCommand,
  ReEncryptCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { checkEncryptionContext } from './encryption-context.ts';
import { KmsRejectedError, KmsUnavailableError, type KmsProvider } from './kms-provider.ts';

/** What the AWS KMS adapter needs. */
export interface AwsKmsProviderDeps {
  /**
   * A configured client (region, credentials, optional `endpoint`). Its `maxAttempts` and request
   * timeouts bound how long an outage takes to surface as `KmsUnavailableError`.
   */
  client: KMSClient;
  /** `Retry-After` suggested with `KmsUnavailableError`; default 5 seconds. */
  retryAfterSeconds?: number;
}

/** KMS says retrying may help: service faults, throttling, timeouts. */
const UNAVAILABLE_NAMES = new Set([
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
  'ThrottlingException',
  'LimitExceededException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
]);

/**
 * `KmsProvider` on AWS KMS through `@aws-sdk/client-kms`. Data keys are AES-256 from
 * GenerateDataKey; the encryption context goes with every call, and Decrypt / ReEncrypt name the
 * expected key so a ciphertext wrapped under another key is refused. The adapter never calls
 * Encrypt, so no secret ever travels to KMS and no KMS error message can echo one.
 */
export function createAwsKmsProvider(deps: AwsKmsProviderDeps): KmsProvider {
  const { client } = deps;
  const retryAfterSeconds = deps.retryAfterSeconds ?? 5;

  const call = async <T>(operation: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw mapAwsKmsError(operation, error, retryAfterSeconds);
    }
  };

  return {
    name: 'aws-kms',
    async generateDataKey(keyId, context) {
      checkEncryptionContext(context);
      const out = await call('generate data key', () =>
        client.send(
          new GenerateDataKeyCommand({
            KeyId: keyId,
            KeySpec: 'AES_256',
            EncryptionContext: { ...context },
          }),
        ),
      );
      return {
        plaintext: required(out.Plaintext, 'Plaintext', retryAfterSeconds),
        ciphertext: required(out.CiphertextBlob, 'CiphertextBlob', retryAfterSeconds),
        keyId: required(out.KeyId, 'KeyId', retryAfterSeconds),
      };
    },
    async decrypt(ciphertext, context, expectedKeyId) {
      checkEncryptionContext(context);
      const out = await call('decrypt', () =>
        client.send(
          new DecryptCommand({
            CiphertextBlob: ciphertext,
            EncryptionContext: { ...context },
            KeyId: expectedKeyId,
          }),
        ),
      );
      return {
        plaintext: required(out.Plaintext, 'Plaintext', retryAfterSeconds),
        keyId: required(out.KeyId, 'KeyId', retryAfterSeconds),
      };
    },
    async reEncrypt(ciphertext, context, newKeyId, expectedKeyId) {
      checkEncryptionContext(context);
      const out = await call('re-encrypt', () =>
        client.send(
          new ReEncryptCommand({
            CiphertextBlob: ciphertext,
            SourceEncryptionContext: { ...context },
            SourceKeyId: expectedKeyId,
            DestinationKeyId: newKeyId,
            DestinationEncryptionContext: { ...context },
          }),
        ),
      );
      return {
        ciphertext: required(out.CiphertextBlob, 'CiphertextBlob', retryAfterSeconds),
        keyId: required(out.KeyId, 'KeyId', retryAfterSeconds),
      };
    },
  };
}

/**
 * Sorts an SDK failure into the port's two outcomes. Unavailable: service faults (5xx or
 * `$fault: server`), throttling (429, ThrottlingException, LimitExceededException), timeouts,
 * and anything that never got an HTTP answer (connection refused, DNS, credential lookup).
 * Rejected: every other answer KMS gave as a client fault (InvalidCiphertext, NotFound,
 * Disabled, IncorrectKey, KMSInvalidState, AccessDenied, validation).
 */
export function mapAwsKmsError(
  operation: string,
  error: unknown,
  retryAfterSeconds = 5,
): KmsUnavailableError | KmsRejectedError {
  const details = describeSdkError(error);
  const status = details.status;
  const unavailable =
    UNAVAILABLE_NAMES.has(details.name) ||
    details.fault === 'server' ||
    status === 429 ||
    status === undefined ||
    status >= 500;
  const summary = `${details.name}${details.message ? `: ${details.message}` : ''}`;
  return unavailable
    ? new KmsUnavailableError(`aws-kms: ${operation}: KMS unavailable (${summary})`, {
        cause: error,
        retryAfterSeconds,
      })
    : new KmsRejectedError(`aws-kms: ${operation}: rejected by KMS (${summary})`, {
        cause: error,
      });
}

interface SdkErrorDetails {
  name: string;
  message: string;
  status: number | undefined;
  fault: string | undefined;
}

function describeSdkError(error: unknown): SdkErrorDetails {
  if (typeof error !== 'object' || error === null) {
    return { name: 'Error', message: '', status: undefined, fault: undefined };
  }
  const e = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const status = e.$metadata?.httpStatusCode;
  const name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : e.code;
  return {
    name: typeof name === 'string' ? name : 'Error',
    message: typeof e.message === 'string' ? e.message.slice(0, 200) : '',
    status: typeof status === 'number' ? status : undefined,
    fault: typeof e.$fault === 'string' ? e.$fault : undefined,
  };
}

function required<T>(value: T | undefined, member: string, retryAfterSeconds: number): T {
  if (value === undefined) {
    throw new KmsUnavailableError(`aws-kms: KMS answered without ${member}`, { retryAfterSeconds });
  }
  return value;
}
