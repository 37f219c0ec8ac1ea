import {
  DisableKeyCommand,
  DisabledException,
  EnableKeyCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  type KMSClient,
  KMSInternalException,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { createServer, type AddressInfo } from 'node:net';
import { startKmsSim, type KmsSim } from '@hmmtrade/testkit/kms-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsKmsProvider, mapAwsKmsError } from './aws-kms-provider.ts';
import { KmsRejectedError, KmsUnavailableError, type KmsProvider } from './kms-provider.ts';
import { failure, simClient } from './kms-providers.fixture.ts';

const context = { user_id: 'user-1', connection_id: 'conn-1' };

let sim: KmsSim;
let client: KMSClient;
let kms: KmsProvider;
let primary: string;
let secondary: string;

beforeAll(async () => {
  sim = await startKmsSim({ keys: [{ alias: 'alias/hmmtrade-brokers' }, {}] });
  [primary = '', secondary = ''] = sim.keys;
  client = simClient(sim.url, sim.region);
  kms = createAwsKmsProvider({ client, retryAfterSeconds: 7 });
});

afterAll(async () => {
  client.destroy();
  await sim.stop();
});

describe('aws-kms provider on the real @aws-sdk/client-kms against kms-sim', () => {
  it('generates a 32-byte data key and decrypts it back, by alias and by ARN', async () => {
    const key = await kms.generateDataKey('alias/hmmtrade-brokers', context);
    expect(key.plaintext).toHaveLength(32);
    expect(key.keyId).toBe(primary);
    expect(Buffer.from(key.ciphertext).includes(Buffer.from(key.plaintext))).toBe(false);
    const opened = await kms.decrypt(key.ciphertext, context, key.keyId);
    expect(Buffer.from(opened.plaintext)).toEqual(Buffer.from(key.plaintext));
    expect(opened.keyId).toBe(primary);
    const withoutKeyId = await kms.decrypt(key.ciphertext, { ...context });
    expect(Buffer.from(withoutKeyId.plaintext)).toEqual(Buffer.from(key.plaintext));
  });

  it('rejects a different encryption context as KmsRejectedError (InvalidCiphertextException)', async () => {
    const key = await kms.generateDataKey(primary, context);
    const error = await failure(kms.decrypt(key.ciphertext, { ...context, user_id: 'user-2' }));
    expect(error).toBeInstanceOf(KmsRejectedError);
    expect(error.cause).toBeInstanceOf(InvalidCiphertextException);
    expect(error.message).toMatch(
      /^aws-kms: decrypt: rejected by KMS \(InvalidCiphertextException/,
    );
  });

  it('rejects a ciphertext wrapped under a key other than the expected one', async () => {
    const key = await kms.generateDataKey(primary, context);
    const error = await failure(kms.decrypt(key.ciphertext, context, secondary));
    expect(error).toBeInstanceOf(KmsRejectedError);
    expect(error.cause).toBeInstanceOf(IncorrectKeyException);
  });

  it('rejects a disabled key, and works again once it is enabled', async () => {
    const arn = await sim.createKey();
    const key = await kms.generateDataKey(arn, context);
    await client.send(new DisableKeyCommand({ KeyId: arn }));
    const error = await failure(kms.decrypt(key.ciphertext, context, arn));
    expect(error).toBeInstanceOf(KmsRejectedError);
    expect(error.cause).toBeInstanceOf(DisabledException);
    await expect(kms.generateDataKey(arn, context)).rejects.toBeInstanceOf(KmsRejectedError);
    await client.send(new EnableKeyCommand({ KeyId: arn }));
    await expect(kms.decrypt(key.ciphertext, context, arn)).resolves.toMatchObject({ keyId: arn });
  });

  it('rejects an unknown key', async () => {
    for (const keyId of ['alias/missing', '00000000-0000-4000-8000-000000000000']) {
      const error = await failure(kms.generateDataKey(keyId, context));
      expect(error).toBeInstanceOf(KmsRejectedError);
      expect(error.cause).toBeInstanceOf(NotFoundException);
    }
  });

  it('re-encrypts a data key under a new key without returning it', async () => {
    const key = await kms.generateDataKey(primary, context);
    const moved = await kms.reEncrypt(key.ciphertext, context, secondary, primary);
    expect(moved.keyId).toBe(secondary);
    expect(moved).not.toHaveProperty('plaintext');
    const opened = await kms.decrypt(moved.ciphertext, context, secondary);
    expect(Buffer.from(opened.plaintext)).toEqual(Buffer.from(key.plaintext));
    await expect(kms.decrypt(moved.ciphertext, context, primary)).rejects.toBeInstanceOf(
      KmsRejectedError,
    );
    await expect(
      kms.reEncrypt(key.ciphertext, { ...context, connection_id: 'x' }, secondary),
    ).rejects.toBeInstanceOf(KmsRejectedError);
  });

  it('turns an outage into KmsUnavailableError after maxAttempts tries, and recovers', async () => {
    const key = await kms.generateDataKey(primary, context);
    const before = sim.calls()['Decrypt'] ?? 0;
    sim.setDown(true);
    try {
      const error = await failure(kms.decrypt(key.ciphertext, context, primary));
      expect(error).toBeInstanceOf(KmsUnavailableError);
      expect((error as KmsUnavailableError).retryAfterSeconds).toBe(7);
      expect(error.cause).toBeInstanceOf(KMSInternalException);
      expect((sim.calls()['Decrypt'] ?? 0) - before).toBe(2);
      await expect(kms.generateDataKey(primary, context)).rejects.toBeInstanceOf(
        KmsUnavailableError,
      );
      await expect(kms.reEncrypt(key.ciphertext, context, secondary)).rejects.toBeInstanceOf(
        KmsUnavailableError,
      );
    } finally {
      sim.setDown(false);
    }
    await expect(kms.decrypt(key.ciphertext, context, primary)).resolves.toMatchObject({
      keyId: primary,
    });
  });

  it('turns a connection the server drops into KmsUnavailableError', async () => {
    const dropper = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    const { port } = dropper.address() as AddressInfo;
    const deadClient = simClient(`http://127.0.0.1:${port}`, sim.region);
    try {
      const error = await failure(
        createAwsKmsProvider({ client: deadClient }).generateDataKey(primary, context),
      );
      expect(error).toBeInstanceOf(KmsUnavailableError);
      expect(error.message).toMatch(/KMS unavailable/);
    } finally {
      deadClient.destroy();
      await new Promise<void>((resolve) => dropper.close(() => resolve()));
    }
  });
});

describe('mapAwsKmsError', () => {
  const sdkError = (name: string, status?: number, fault?: 'client' | 'server') =>
    Object.assign(new Error(`${name} happened`), {
      name,
      $fault: fault,
      $metadata: { httpStatusCode: status },
    });

  it.each([
    ['KMSInternalException 500', sdkError('KMSInternalException', 500, 'server'), 'unavailable'],
    ['DependencyTimeoutException', sdkError('DependencyTimeoutException', 500), 'unavailable'],
    ['KeyUnavailableException', sdkError('KeyUnavailableException', 500), 'unavailable'],
    ['ThrottlingException 400', sdkError('ThrottlingException', 400, 'client'), 'unavailable'],
    ['LimitExceededException 400', sdkError('LimitExceededException', 400), 'unavailable'],
    ['any 429', sdkError('SlowDown', 429, 'client'), 'unavailable'],
    ['any 502', sdkError('BadGateway', 502), 'unavailable'],
    ['TimeoutError', sdkError('TimeoutError'), 'unavailable'],
    [
      'ECONNRESET',
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      'unavailable',
    ],
    [
      'InvalidCiphertextException',
      sdkError('InvalidCiphertextException', 400, 'client'),
      'rejected',
    ],
    ['NotFoundException', sdkError('NotFoundException', 400, 'client'), 'rejected'],
    ['DisabledException', sdkError('DisabledException', 400, 'client'), 'rejected'],
    ['IncorrectKeyException', sdkError('IncorrectKeyException', 400, 'client'), 'rejected'],
    ['KMSInvalidStateException', sdkError('KMSInvalidStateException', 409, 'client'), 'rejected'],
    ['AccessDeniedException', sdkError('AccessDeniedException', 400, 'client'), 'rejected'],
  ])('%s → %s', (_name, error, want) => {
    const mapped = mapAwsKmsError('decrypt', error);
    expect(mapped).toBeInstanceOf(want === 'unavailable' ? KmsUnavailableError : KmsRejectedError);
    expect(mapped.cause).toBe(error);
  });
});
