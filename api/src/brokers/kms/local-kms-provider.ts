import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { canonicalEncryptionContext, checkEncryptionContext } from './encryption-context.ts';
import {
  KmsRejectedError,
  type EncryptionContext,
  type GeneratedDataKey,
  type KmsProvider,
} from './kms-provider.ts';
import {
  loadLocalMasterKeys,
  type LocalMasterKey,
  type MasterKeySource,
} from './local-master-keys.ts';

/** Where the local provider finds its master keys: a file, a list of files or a directory. */
export type LocalKmsProviderOptions = MasterKeySource;

/** The local provider, with the ids of its loaded master keys. */
export interface LocalKmsProvider extends KmsProvider {
  /** The newest key: what `generateDataKey('local', …)` wraps under. */
  readonly currentKeyId: string;
  /** Every loaded key id, oldest first. */
  readonly keyIds: readonly string[];
}

/** `keyId` meaning "the newest local master key". */
export const LOCAL_CURRENT_KEY = 'local';

const VERSION = 0x01;
const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + 8;
const WRAPPED_BYTES = HEADER_BYTES + IV_BYTES + TAG_BYTES + DATA_KEY_BYTES;

/**
 * A `KmsProvider` for self-hosters and `hmmtrade up`: data keys wrapped with AES-256-GCM under a
 * master key held in a local file, the encryption context bound as additional data. A wrapped key
 * is `0x01 | fingerprint (8) | IV (12) | tag (16) | key (32)`; the header is authenticated too.
 * Keys are read once here; to rotate, add a key (`addLocalMasterKey`) and restart.
 * Nothing here is transient, so every key failure is a `KmsRejectedError`.
 */
export async function createLocalKmsProvider(
  options: LocalKmsProviderOptions,
): Promise<LocalKmsProvider> {
  const keys = await loadLocalMasterKeys(options);
  const newest = keys.at(-1);
  if (!newest) throw new KmsRejectedError('local-kms: no master key loaded');
  const byId = new Map(keys.map((key) => [key.keyId, key]));
  const byFingerprint = new Map(keys.map((key) => [key.fingerprint.toString('hex'), key]));

  const resolve = (keyId: string): LocalMasterKey => {
    const key = keyId === LOCAL_CURRENT_KEY ? newest : byId.get(keyId);
    if (!key) {
      throw new KmsRejectedError(
        `local-kms: unknown master key ${keyId}; loaded: ${[...byId.keys()].join(', ')}`,
      );
    }
    return key;
  };

  const unwrap = (
    ciphertext: Uint8Array,
    context: EncryptionContext,
    expectedKeyId: string | undefined,
  ): { plaintext: Buffer; key: LocalMasterKey } => {
    checkEncryptionContext(context);
    const blob = Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
    if (blob.length !== WRAPPED_BYTES || blob[0] !== VERSION) {
      throw new KmsRejectedError('local-kms: the ciphertext is not a wrapped data key');
    }
    const fingerprint = blob.subarray(1, HEADER_BYTES).toString('hex');
    const key = byFingerprint.get(fingerprint);
    if (!key) {
      throw new KmsRejectedError(
        `local-kms: the data key was wrapped under local:${fingerprint}, which is not loaded`,
      );
    }
    if (expectedKeyId !== undefined && resolve(expectedKeyId) !== key) {
      throw new KmsRejectedError(
        `local-kms: the data key was wrapped under ${key.keyId}, not the expected ${expectedKeyId}`,
      );
    }
    try {
      const iv = blob.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key.material, iv);
      decipher.setAAD(additionalData(blob.subarray(0, HEADER_BYTES), context));
      decipher.setAuthTag(
        blob.subarray(HEADER_BYTES + IV_BYTES, HEADER_BYTES + IV_BYTES + TAG_BYTES),
      );
      const body = blob.subarray(HEADER_BYTES + IV_BYTES + TAG_BYTES);
      return { plaintext: Buffer.concat([decipher.update(body), decipher.final()]), key };
    } catch {
      throw new KmsRejectedError(
        'local-kms: the data key does not open under this encryption context ' +
          '(wrong context, or the ciphertext was altered)',
      );
    }
  };

  return {
    name: 'local-kms',
    currentKeyId: newest.keyId,
    keyIds: keys.map((key) => key.keyId),
    generateDataKey(keyId, context) {
      return attempt((): GeneratedDataKey => {
        checkEncryptionContext(context);
        const key = resolve(keyId);
        const plaintext = randomBytes(DATA_KEY_BYTES);
        return { plaintext, ciphertext: wrap(key, plaintext, context), keyId: key.keyId };
      });
    },
    decrypt(ciphertext, context, expectedKeyId) {
      return attempt(() => {
        const { plaintext, key } = unwrap(ciphertext, context, expectedKeyId);
        return { plaintext, keyId: key.keyId };
      });
    },
    reEncrypt(ciphertext, context, newKeyId, expectedKeyId) {
      return attempt(() => {
        const target = resolve(newKeyId);
        const { plaintext } = unwrap(ciphertext, context, expectedKeyId);
        try {
          return { ciphertext: wrap(target, plaintext, context), keyId: target.keyId };
        } finally {
          plaintext.fill(0);
        }
      });
    },
  };
}

function wrap(key: LocalMasterKey, dataKey: Uint8Array, context: EncryptionContext): Buffer {
  const header = Buffer.concat([Buffer.from([VERSION]), key.fingerprint]);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.material, iv);
  cipher.setAAD(additionalData(header, context));
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
}

function additionalData(header: Buffer, context: EncryptionContext): Buffer {
  return Buffer.concat([header, canonicalEncryptionContext(context)]);
}

/** Runs synchronous work as a promise, so a throw becomes a rejection like any KMS failure. */
function attempt<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}
