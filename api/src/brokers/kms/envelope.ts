import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { HmmtradeError } from '@hmmtrade/platform';
import { canonicalEncryptionContext, checkEncryptionContext } from './encryption-context.ts';
import { KmsRejectedError, type EncryptionContext, type KmsProvider } from './kms-provider.ts';

/**
 * A secret under envelope encryption (DESIGN §7), field for field the envelope columns of
 * `broker_connections`. Without the KMS key none of it reveals anything: `ciphertext` is
 * AES-256-GCM under a data key that exists only wrapped, in `encryptedDataKey`.
 */
export interface Envelope {
  ciphertext: Buffer;
  /** The data key, wrapped by KMS under `kmsKeyId` with the encryption context. */
  encryptedDataKey: Buffer;
  /** 12 random bytes, fresh per secret. */
  iv: Buffer;
  /** 16-byte GCM tag over the ciphertext and the encryption context. */
  authTag: Buffer;
  /** The full id of the wrapping key (ARN or `local:<fingerprint>`), as KMS reported it. */
  kmsKeyId: string;
  /** 1 when sealed, +1 per `rewrapEnvelope`: with `kmsKeyId`, finds rows on an old wrap. */
  keyVersion: number;
}

/**
 * The envelope's own bytes do not authenticate: the ciphertext, IV or tag was altered, or the
 * envelope is malformed. Permanent, like `KmsRejectedError`; the secret must be entered again.
 */
export class SecretIntegrityError extends HmmtradeError {
  constructor(message: string) {
    super('SECRET_INTEGRITY', message);
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

/**
 * Encrypts `plaintext` with a fresh data key from `kms` (wrapped under `keyId`) and a fresh IV;
 * `context` is both the KMS encryption context and the GCM additional data. The plaintext data
 * key is zeroed before this returns, and so is the UTF-8 copy of a string secret; a caller's
 * `Uint8Array` is the caller's to zero.
 */
export async function sealSecret(
  kms: KmsProvider,
  keyId: string,
  context: EncryptionContext,
  plaintext: Uint8Array | string,
): Promise<Envelope> {
  checkEncryptionContext(context);
  const secret = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  try {
    if (secret.length === 0) throw new HmmtradeError('SECRET_INVALID', 'secret must not be empty');
    const dataKey = await kms.generateDataKey(keyId, context);
    try {
      checkDataKey(kms, dataKey.plaintext);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', dataKey.plaintext, iv, {
        authTagLength: TAG_BYTES,
      });
      cipher.setAAD(canonicalEncryptionContext(context));
      const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
      return {
        ciphertext,
        encryptedDataKey: Buffer.from(dataKey.ciphertext),
        iv,
        authTag: cipher.getAuthTag(),
        kmsKeyId: dataKey.keyId,
        keyVersion: 1,
      };
    } finally {
      dataKey.plaintext.fill(0);
    }
  } finally {
    if (typeof plaintext === 'string') secret.fill(0);
  }
}

/**
 * Decrypts an envelope under `context`. Fails closed: `KmsUnavailableError` (retry later),
 * `KmsRejectedError` (KMS refused the data key: wrong context, key, or wrapped key altered) or
 * `SecretIntegrityError` (ciphertext, IV or tag altered). The caller zeroes the result after use.
 */
export async function openSecret(
  kms: KmsProvider,
  envelope: Envelope,
  context: EncryptionContext,
): Promise<Uint8Array> {
  checkEnvelope(envelope);
  checkEncryptionContext(context);
  const { plaintext: dataKey } = await kms.decrypt(
    envelope.encryptedDataKey,
    context,
    envelope.kmsKeyId,
  );
  try {
    checkDataKey(kms, dataKey);
    const decipher = createDecipheriv('aes-256-gcm', dataKey, envelope.iv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(canonicalEncryptionContext(context));
    decipher.setAuthTag(envelope.authTag);
    const secret = decipher.update(envelope.ciphertext);
    try {
      decipher.final();
    } catch {
      secret.fill(0);
      throw new SecretIntegrityError(
        'envelope: the secret does not authenticate (ciphertext, iv or auth tag altered)',
      );
    }
    return secret;
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Rotation: re-wraps the data key under `newKeyId` through KMS ReEncrypt (the plaintext data key
 * never leaves KMS) and bumps `keyVersion`. `ciphertext`, `iv` and `authTag` are returned
 * untouched, so the secret itself is not re-encrypted and opens exactly as before.
 */
export async function rewrapEnvelope(
  kms: KmsProvider,
  envelope: Envelope,
  context: EncryptionContext,
  newKeyId: string,
): Promise<Envelope> {
  checkEnvelope(envelope);
  checkEncryptionContext(context);
  const wrapped = await kms.reEncrypt(
    envelope.encryptedDataKey,
    context,
    newKeyId,
    envelope.kmsKeyId,
  );
  return {
    ...envelope,
    encryptedDataKey: Buffer.from(wrapped.ciphertext),
    kmsKeyId: wrapped.keyId,
    keyVersion: envelope.keyVersion + 1,
  };
}

function checkEnvelope(envelope: Envelope): void {
  const problem = (field: string, reason: string): never => {
    throw new SecretIntegrityError(`envelope: ${field} ${reason}`);
  };
  if (!Buffer.isBuffer(envelope.ciphertext) || envelope.ciphertext.length === 0) {
    problem('ciphertext', 'must be a non-empty Buffer');
  }
  if (!Buffer.isBuffer(envelope.encryptedDataKey) || envelope.encryptedDataKey.length === 0) {
    problem('encryptedDataKey', 'must be a non-empty Buffer');
  }
  if (!Buffer.isBuffer(envelope.iv) || envelope.iv.length !== IV_BYTES) {
    problem('iv', `must be a Buffer of ${IV_BYTES} bytes`);
  }
  if (!Buffer.isBuffer(envelope.authTag) || envelope.authTag.length !== TAG_BYTES) {
    problem('authTag', `must be a Buffer of ${TAG_BYTES} bytes`);
  }
  if (typeof envelope.kmsKeyId !== 'string' || envelope.kmsKeyId.length === 0) {
    problem('kmsKeyId', 'must be a non-empty string');
  }
  if (!Number.isInteger(envelope.keyVersion) || envelope.keyVersion < 1) {
    problem('keyVersion', 'must be an integer of at least 1');
  }
}

function checkDataKey(kms: KmsProvider, dataKey: Uint8Array): void {
  if (dataKey.length !== DATA_KEY_BYTES) {
    throw new KmsRejectedError(
      `${kms.name}: the data key is ${dataKey.length} bytes, not ${DATA_KEY_BYTES}`,
    );
  }
}
