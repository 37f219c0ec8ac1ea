import { randomUUID } from 'node:crypto';
import type { BrokerConnection } from '@hmmtrade/db';
import { HttpError } from '../http/http-error.ts';
import type { AlpacaCredentials, BrokerVerifier } from './broker-verifier.ts';
import type { BrokersRepository } from './brokers.repository.ts';
import {
  KmsRejectedError,
  KmsUnavailableError,
  openSecret,
  sealSecret,
  type EncryptionContext,
  type Envelope,
  type KmsProvider,
} from './kms/index.ts';

/** Where new broker secrets are wrapped. */
export interface BrokerKms {
  provider: KmsProvider;
  /** The KMS key id (ARN, alias, or `local`) new data keys are wrapped under. */
  keyId: string;
}

/** The encryption context (and GCM AAD) that binds a secret to its owner and connection. */
export function connectionContext(connection: { user_id: string; id: string }): EncryptionContext {
  return { user_id: connection.user_id, connection_id: connection.id };
}

/**
 * Broker connections: credentials are sealed before they are stored and opened only for the one
 * request that needs them (verify, or a bot's broker token). Plaintext is never returned by the
 * user API and never logged.
 */
export function createBrokersService(deps: {
  repository: BrokersRepository;
  kms: BrokerKms;
  verifier: BrokerVerifier;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const kmsCall = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof KmsUnavailableError) {
        throw new HttpError(
          503,
          'unavailable',
          'the key service is unavailable; try again shortly',
          {
            cause: error,
            retryAfterSeconds: error.retryAfterSeconds,
          },
        );
      }
      if (error instanceof KmsRejectedError) {
        throw new HttpError(500, 'internal', 'the stored credential cannot be decrypted', {
          cause: error,
        });
      }
      throw error;
    }
  };

  return {
    list: (userId: string) => deps.repository.list(userId),

    async create(
      userId: string,
      input:
        | { kind: 'sim'; label: string }
        | {
            kind: 'alpaca';
            environment: 'paper' | 'live';
            label: string;
            keyId: string;
            secretKey: string;
          },
    ): Promise<BrokerConnection> {
      const id = randomUUID();
      if (input.kind === 'sim') {
        return deps.repository.insert({
          id,
          user_id: userId,
          kind: 'sim',
          environment: 'paper',
          label: input.label,
        });
      }
      const secret = JSON.stringify({ keyId: input.keyId, secretKey: input.secretKey });
      const envelope = await kmsCall(() =>
        sealSecret(
          deps.kms.provider,
          deps.kms.keyId,
          connectionContext({ user_id: userId, id }),
          secret,
        ),
      );
      return deps.repository.insert({
        id,
        user_id: userId,
        kind: 'alpaca',
        environment: input.environment,
        label: input.label,
        ciphertext: envelope.ciphertext,
        encrypted_data_key: envelope.encryptedDataKey,
        iv: envelope.iv,
        auth_tag: envelope.authTag,
        kms_key_id: envelope.kmsKeyId,
        key_version: envelope.keyVersion,
      });
    },

    /** The decrypted credentials of an Alpaca connection, for the caller's one request. */
    openCredentials: (connection: BrokerConnection): Promise<AlpacaCredentials> =>
      kmsCall(async () => {
        const plaintext = await openSecret(
          deps.kms.provider,
          toEnvelope(connection),
          connectionContext(connection),
        );
        try {
          return JSON.parse(Buffer.from(plaintext).toString('utf8')) as AlpacaCredentials;
        } finally {
          plaintext.fill(0);
        }
      }),

    async verify(userId: string, id: string): Promise<BrokerConnection> {
      const connection = await deps.repository.find(userId, id);
      if (!connection) throw new HttpError(404, 'not_found', 'no such broker connection');
      if (connection.kind === 'alpaca') {
        const credentials = await this.openCredentials(connection);
        const result = await deps.verifier.verifyAlpaca(connection.environment, credentials);
        if (!result.ok) {
          throw result.unavailable
            ? new HttpError(503, 'unavailable', result.reason, { retryAfterSeconds: 30 })
            : new HttpError(422, 'validation_failed', result.reason);
        }
      }
      return deps.repository.markVerified(connection.id, now());
    },

    async delete(userId: string, id: string): Promise<void> {
      const users = await deps.repository.botsUsing(userId, id);
      if (users.length > 0)
        throw new HttpError(409, 'conflict', `used by bots: ${users.join(', ')}`);
      if (!(await deps.repository.delete(userId, id)))
        throw new HttpError(404, 'not_found', 'no such broker connection');
    },
  };
}

export type BrokersService = ReturnType<typeof createBrokersService>;

function toEnvelope(connection: BrokerConnection): Envelope {
  if (
    !connection.ciphertext ||
    !connection.encrypted_data_key ||
    !connection.iv ||
    !connection.auth_tag ||
    !connection.kms_key_id ||
    connection.key_version === null
  ) {
    throw new KmsRejectedError(`broker connection ${connection.id} has no stored secret`);
  }
  return {
    ciphertext: connection.ciphertext,
    encryptedDataKey: connection.encrypted_data_key,
    iv: connection.iv,
    authTag: connection.auth_tag,
    kmsKeyId: connection.kms_key_id,
    keyVersion: connection.key_version,
  };
}

/** The public view: never a secret; a hint of the key id so a person recognises it. */
export function toBrokerView(connection: BrokerConnection, keyIdHint: string | null = null) {
  return {
    id: connection.id,
    kind: connection.kind,
    environment: connection.environment,
    label: connection.label,
    keyIdHint,
    verifiedAt: connection.verified_at?.toISOString() ?? null,
    createdAt: connection.created_at.toISOString(),
  };
}
