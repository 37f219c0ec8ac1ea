import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisabledException,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  IncorrectKeyException,
  InvalidAliasNameException,
  AlreadyExistsException,
  InvalidCiphertextException,
  KMSClient,
  KMSInternalException,
  KMSInvalidStateException,
  ListAliasesCommand,
  NotFoundException,
  ReEncryptCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKmsSim, type KmsSim } from './index.ts';

const secret = Buffer.from('not-a-real-broker-secret');
const context = { user_id: 'u-1', connection_id: 'c-1' };

let sim: KmsSim;
let kms: KMSClient;

function clientFor(target: KmsSim, region = target.region): KMSClient {
  return new KMSClient({
    endpoint: target.url,
    region,
    credentials: { accessKeyId: 'AKIDKMSSIM', secretAccessKey: 'kms-sim-secret' },
    maxAttempts: 2,
  });
}

async function encrypt(keyId: string, plaintext = secret, ctx: Record<string, string> = context) {
  const out = await kms.send(
    new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: ctx }),
  );
  return out.CiphertextBlob ?? new Uint8Array();
}

beforeAll(async () => {
  sim = await startKmsSim({ keys: [{ alias: 'alias/broker-credentials' }, {}] });
  kms = clientFor(sim);
});

afterAll(async () => {
  kms.destroy();
  await sim.stop();
});

describe('kms-sim with the real @aws-sdk/client-kms', () => {
  it('encrypts and decrypts by alias, alias ARN, key ARN and bare key id, without a KeyId too', async () => {
    const [arn] = sim.keys;
    const keyId = arn?.split('/').at(-1) ?? '';
    const aliasArn = `arn:aws:kms:${sim.region}:${sim.accountId}:alias/broker-credentials`;
    for (const id of ['alias/broker-credentials', aliasArn, arn ?? '', keyId]) {
      const blob = await encrypt(id);
      expect(Buffer.from(blob).includes(secret)).toBe(false);
      const out = await kms.send(
        new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context }),
      );
      expect(Buffer.from(out.Plaintext ?? [])).toEqual(secret);
      expect(out.KeyId).toBe(arn);
    }
  });

  it('binds the encryption context exactly: order-insensitive, nothing added, changed or missing', async () => {
    const blob = await encrypt('alias/broker-credentials');
    const reordered = { connection_id: 'c-1', user_id: 'u-1' };
    const out = await kms.send(
      new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: reordered }),
    );
    expect(Buffer.from(out.Plaintext ?? [])).toEqual(secret);
    for (const wrong of [
      { ...context, user_id: 'u-2' },
      { user_id: 'u-1' },
      { ...context, x: 'y' },
      undefined,
    ]) {
      await expect(
        kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: wrong })),
      ).rejects.toBeInstanceOf(InvalidCiphertextException);
    }
  });

  it('rejects a tampered ciphertext blob and a KeyId that is not the blob key', async () => {
    const blob = Buffer.from(await encrypt('alias/broker-credentials'));
    blob[blob.length - 1] = (blob.at(-1) ?? 0) ^ 1;
    await expect(
      kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context })),
    ).rejects.toBeInstanceOf(InvalidCiphertextException);
    const good = await encrypt('alias/broker-credentials');
    await expect(
      kms.send(
        new DecryptCommand({
          CiphertextBlob: good,
          EncryptionContext: context,
          KeyId: sim.keys[1],
        }),
      ),
    ).rejects.toBeInstanceOf(IncorrectKeyException);
  });

  it('generates data keys by KeySpec or NumberOfBytes, and validates the choice', async () => {
    const aes = await kms.send(
      new GenerateDataKeyCommand({
        KeyId: 'alias/broker-credentials',
        KeySpec: 'AES_256',
        EncryptionContext: context,
      }),
    );
    expect(aes.Plaintext).toHaveLength(32);
    expect(aes.KeyId).toBe(sim.keys[0]);
    const opened = await kms.send(
      new DecryptCommand({ CiphertextBlob: aes.CiphertextBlob, EncryptionContext: context }),
    );
    expect(Buffer.from(opened.Plaintext ?? [])).toEqual(Buffer.from(aes.Plaintext ?? []));
    const raw = await kms.send(
      new GenerateDataKeyCommand({ KeyId: sim.keys[1], NumberOfBytes: 64 }),
    );
    expect(raw.Plaintext).toHaveLength(64);
    await expect(
      kms.send(
        new GenerateDataKeyCommand({ KeyId: sim.keys[1], NumberOfBytes: 16, KeySpec: 'AES_128' }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
  });

  it('re-encrypts under another key and context without exposing the plaintext', async () => {
    const blob = await encrypt('alias/broker-credentials');
    const moved = await kms.send(
      new ReEncryptCommand({
        CiphertextBlob: blob,
        SourceEncryptionContext: context,
        DestinationKeyId: sim.keys[1],
        DestinationEncryptionContext: { ...context, v: '2' },
      }),
    );
    expect(moved).toMatchObject({ SourceKeyId: sim.keys[0], KeyId: sim.keys[1] });
    const out = await kms.send(
      new DecryptCommand({
        CiphertextBlob: moved.CiphertextBlob,
        EncryptionContext: { ...context, v: '2' },
      }),
    );
    expect(Buffer.from(out.Plaintext ?? [])).toEqual(secret);
    await expect(
      kms.send(
        new ReEncryptCommand({
          CiphertextBlob: blob,
          SourceEncryptionContext: {},
          DestinationKeyId: sim.keys[1],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidCiphertextException);
  });

  it('creates, describes, disables, enables and schedules deletion of keys', async () => {
    const created = await kms.send(new CreateKeyCommand({ Description: 'rotation target' }));
    const arn = created.KeyMetadata?.Arn ?? '';
    expect(arn).toMatch(/^arn:aws:kms:us-east-1:111122223333:key\/[0-9a-f-]{36}$/);
    expect(created.KeyMetadata?.CreationDate).toBeInstanceOf(Date);
    const blob = await encrypt(arn);
    await kms.send(new DisableKeyCommand({ KeyId: arn }));
    const described = await kms.send(new DescribeKeyCommand({ KeyId: arn }));
    expect(described.KeyMetadata).toMatchObject({ Enabled: false, KeyState: 'Disabled' });
    await expect(
      kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context })),
    ).rejects.toBeInstanceOf(DisabledException);
    await expect(encrypt(arn)).rejects.toMatchObject({
      name: 'DisabledException',
      $metadata: { httpStatusCode: 400 },
    });
    await kms.send(new EnableKeyCommand({ KeyId: arn }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: arn, PendingWindowInDays: 7 }));
    await expect(encrypt(arn)).rejects.toBeInstanceOf(KMSInvalidStateException);
    await kms.send(new CancelKeyDeletionCommand({ KeyId: arn }));
    const after = await kms.send(new DescribeKeyCommand({ KeyId: arn }));
    expect(after.KeyMetadata?.KeyState).toBe('Disabled');
  });

  it('manages aliases like KMS', async () => {
    const arn = await sim.createKey('alias/from-helper');
    const aliases = await kms.send(new ListAliasesCommand({ KeyId: arn }));
    expect(aliases.Aliases?.map((a) => a.AliasName)).toEqual(['alias/from-helper']);
    await expect(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/from-helper', TargetKeyId: arn })),
    ).rejects.toBeInstanceOf(AlreadyExistsException);
    await expect(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/reserved', TargetKeyId: arn })),
    ).rejects.toBeInstanceOf(InvalidAliasNameException);
    await expect(sim.createKey('no-prefix')).rejects.toThrow(/AliasName must begin with alias\//);
  });

  it('answers NotFoundException for unknown aliases, key ids and foreign ARNs', async () => {
    const unknown = [
      'alias/nope',
      '00000000-0000-4000-8000-000000000000',
      `arn:aws:kms:eu-west-1:999999999999:key/00000000-0000-4000-8000-000000000000`,
      'not-a-key',
    ];
    for (const keyId of unknown) {
      await expect(encrypt(keyId)).rejects.toBeInstanceOf(NotFoundException);
    }
  });

  it('requires a SigV4 Authorization header scoped to its region', async () => {
    const res = await fetch(sim.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'TrentService.ListAliases',
      },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
    const elsewhere = clientFor(sim, 'eu-west-1');
    try {
      await expect(elsewhere.send(new ListAliasesCommand({}))).rejects.toMatchObject({
        name: 'InvalidSignatureException',
      });
    } finally {
      elsewhere.destroy();
    }
  });

  it('fails every call as a retryable 503 KMSInternalException while down, then recovers', async () => {
    const before = sim.calls()['GenerateDataKey'] ?? 0;
    sim.setDown(true);
    const error: unknown = await kms
      .send(new GenerateDataKeyCommand({ KeyId: sim.keys[0], KeySpec: 'AES_256' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KMSInternalException);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 503, attempts: 2 } });
    expect((sim.calls()['GenerateDataKey'] ?? 0) - before).toBe(2);

    const admin = await fetch(`${sim.url}/admin/down`, { method: 'POST', body: '{"down":false}' });
    expect(await admin.json()).toEqual({ down: false });
    await expect(encrypt(sim.keys[0] ?? '')).resolves.toBeInstanceOf(Uint8Array);

    await fetch(`${sim.url}/admin/down`, { method: 'POST', body: '{"down":true}' });
    await expect(encrypt(sim.keys[0] ?? '')).rejects.toBeInstanceOf(KMSInternalException);
    sim.setDown(false);
    const bad = await fetch(`${sim.url}/admin/down`, { method: 'POST', body: '{"down":"yes"}' });
    expect(bad.status).toBe(400);
  });
});
