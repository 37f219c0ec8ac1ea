import { randomBytes } from 'node:crypto';
import type { KeyStore, SimKey } from './key-store.ts';
import { kmsErrors } from './kms-sim-errors.ts';
import { blobKeyId, openBlob, sealBlob, type SimEncryptionContext } from './sim-ciphertext.ts';
import {
  checkAlgorithm,
  encryptionContext,
  optionalInteger,
  optionalString,
  requiredBlob,
  requiredString,
  type SimInput,
} from './sim-input.ts';

/** One KMS operation: the parsed JSON request in, the JSON response body out. */
export type KmsOperation = (input: SimInput) => Record<string, unknown>;

const MAX_CIPHERTEXT = 6144;
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** The operations the simulator implements, keyed by the `X-Amz-Target` operation name. */
export function createKmsOperations(store: KeyStore): Record<string, KmsOperation> {
  /** Decrypts a blob the way Decrypt and ReEncrypt's source side do. */
  const decryptBlob = (
    blob: Buffer,
    context: SimEncryptionContext,
    requestedKeyId: string | undefined,
  ): { key: SimKey; plaintext: Buffer } => {
    const embedded = blobKeyId(blob);
    if (requestedKeyId !== undefined) {
      const requested = store.resolve(requestedKeyId);
      if (embedded !== undefined && requested.keyId !== embedded) {
        throw kmsErrors.incorrectKey(
          'The key ID in the request does not identify a KMS key that can perform this operation.',
        );
      }
    }
    const key = embedded === undefined ? undefined : store.byId(embedded);
    if (!key) throw kmsErrors.invalidCiphertext('The ciphertext is not a valid KMS ciphertext.');
    store.requireUsable(key);
    const plaintext = openBlob(blob, key.material, context);
    if (!plaintext) {
      throw kmsErrors.invalidCiphertext(
        'The ciphertext is invalid or its encryption context does not match.',
      );
    }
    return { key, plaintext };
  };

  const usableKey = (input: SimInput, member: string): SimKey => {
    const key = store.resolve(requiredString(input, member));
    store.requireUsable(key);
    return key;
  };

  return {
    Encrypt(input) {
      checkAlgorithm(input, 'EncryptionAlgorithm');
      const key = usableKey(input, 'KeyId');
      const plaintext = requiredBlob(input, 'Plaintext', 1, 4096);
      const context = encryptionContext(input, 'EncryptionContext');
      return {
        CiphertextBlob: base64(sealBlob(key.keyId, key.material, plaintext, context)),
        KeyId: key.arn,
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
    Decrypt(input) {
      checkAlgorithm(input, 'EncryptionAlgorithm');
      const blob = requiredBlob(input, 'CiphertextBlob', 1, MAX_CIPHERTEXT);
      const context = encryptionContext(input, 'EncryptionContext');
      const { key, plaintext } = decryptBlob(blob, context, optionalString(input, 'KeyId'));
      return {
        KeyId: key.arn,
        Plaintext: base64(plaintext),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
    GenerateDataKey(input) {
      const key = usableKey(input, 'KeyId');
      const keySpec = optionalString(input, 'KeySpec');
      const numberOfBytes = optionalInteger(input, 'NumberOfBytes', 1, 1024);
      if ((keySpec === undefined) === (numberOfBytes === undefined)) {
        throw kmsErrors.validation('Specify exactly one of KeySpec and NumberOfBytes');
      }
      const specBytes = keySpec === 'AES_256' ? 32 : keySpec === 'AES_128' ? 16 : undefined;
      if (keySpec !== undefined && specBytes === undefined) {
        throw kmsErrors.validation('KeySpec must be AES_256 or AES_128');
      }
      const plaintext = randomBytes(numberOfBytes ?? specBytes ?? 32);
      const context = encryptionContext(input, 'EncryptionContext');
      return {
        CiphertextBlob: base64(sealBlob(key.keyId, key.material, plaintext, context)),
        Plaintext: base64(plaintext),
        KeyId: key.arn,
      };
    },
    ReEncrypt(input) {
      checkAlgorithm(input, 'SourceEncryptionAlgorithm');
      checkAlgorithm(input, 'DestinationEncryptionAlgorithm');
      const blob = requiredBlob(input, 'CiphertextBlob', 1, MAX_CIPHERTEXT);
      const destination = usableKey(input, 'DestinationKeyId');
      const source = decryptBlob(
        blob,
        encryptionContext(input, 'SourceEncryptionContext'),
        optionalString(input, 'SourceKeyId'),
      );
      const context = encryptionContext(input, 'DestinationEncryptionContext');
      const sealed = sealBlob(destination.keyId, destination.material, source.plaintext, context);
      source.plaintext.fill(0);
      return {
        CiphertextBlob: base64(sealed),
        SourceKeyId: source.key.arn,
        KeyId: destination.arn,
        SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
    CreateKey(input) {
      const usage = optionalString(input, 'KeyUsage');
      const spec =
        optionalString(input, 'KeySpec') ?? optionalString(input, 'CustomerMasterKeySpec');
      if ((usage ?? 'ENCRYPT_DECRYPT') !== 'ENCRYPT_DECRYPT') {
        throw kmsErrors.validation('kms-sim supports only KeyUsage ENCRYPT_DECRYPT');
      }
      if ((spec ?? 'SYMMETRIC_DEFAULT') !== 'SYMMETRIC_DEFAULT') {
        throw kmsErrors.validation('kms-sim supports only KeySpec SYMMETRIC_DEFAULT');
      }
      return { KeyMetadata: store.metadata(store.create(optionalString(input, 'Description'))) };
    },
    DescribeKey(input) {
      return { KeyMetadata: store.metadata(store.resolve(requiredString(input, 'KeyId'))) };
    },
    EnableKey(input) {
      const key = store.resolve(requiredString(input, 'KeyId'), { allowAlias: false });
      if (key.state === 'PendingDeletion') store.requireUsable(key);
      key.state = 'Enabled';
      return {};
    },
    DisableKey(input) {
      const key = store.resolve(requiredString(input, 'KeyId'), { allowAlias: false });
      if (key.state === 'PendingDeletion') store.requireUsable(key);
      key.state = 'Disabled';
      return {};
    },
    ScheduleKeyDeletion(input) {
      const key = store.resolve(requiredString(input, 'KeyId'), { allowAlias: false });
      if (key.state === 'PendingDeletion') store.requireUsable(key);
      const days = optionalInteger(input, 'PendingWindowInDays', 7, 30) ?? 30;
      key.state = 'PendingDeletion';
      key.deletionDate = new Date(Date.now() + days * 86_400_000);
      return {
        KeyId: key.arn,
        DeletionDate: key.deletionDate.getTime() / 1000,
        KeyState: key.state,
        PendingWindowInDays: days,
      };
    },
    CancelKeyDeletion(input) {
      const key = store.resolve(requiredString(input, 'KeyId'), { allowAlias: false });
      if (key.state !== 'PendingDeletion') {
        throw kmsErrors.invalidState(`${key.arn} is not pending deletion.`);
      }
      key.state = 'Disabled';
      key.deletionDate = undefined;
      return { KeyId: key.arn };
    },
    CreateAlias(input) {
      store.createAlias(requiredString(input, 'AliasName'), requiredString(input, 'TargetKeyId'));
      return {};
    },
    UpdateAlias(input) {
      store.updateAlias(requiredString(input, 'AliasName'), requiredString(input, 'TargetKeyId'));
      return {};
    },
    ListAliases(input) {
      return { Aliases: store.aliases(optionalString(input, 'KeyId')), Truncated: false };
    },
  };
}
