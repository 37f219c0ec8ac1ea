import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSecret, rewrapEnvelope, sealSecret, type Envelope } from './envelope.ts';
import { KmsRejectedError } from './kms-provider.ts';
import { findLeaks, kmsProviderFixtures, type KmsFixture } from './kms-providers.fixture.ts';

const context = { user_id: 'user-7', connection_id: 'conn-42' };
const secret = 'alpaca:PKTEST4EXAMPLE:s3cr3t-broker-credential/0123456789-é';

describe.each(kmsProviderFixtures)('envelope on $name', ({ start }) => {
  let f: KmsFixture;
  let sealed: Envelope;

  beforeAll(async () => {
    f = await start();
    sealed = await sealSecret(f.kms, f.keyId, context, secret);
  });

  afterAll(async () => {
    await f.close();
  });

  it('round-trips a string and bytes, recording the full key id and version 1', async () => {
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.authTag).toHaveLength(16);
    expect(sealed.keyVersion).toBe(1);
    expect(sealed.kmsKeyId).toMatch(
      /^(arn:aws:kms:[^:]+:\d+:key\/[0-9a-f-]{36}|local:[0-9a-f]{16})$/,
    );
    const reordered = { connection_id: 'conn-42', user_id: 'user-7' };
    const opened = await openSecret(f.kms, sealed, reordered);
    expect(Buffer.from(opened).toString('utf8')).toBe(secret);
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const binary = await sealSecret(f.kms, f.keyId, context, bytes);
    expect(Buffer.from(await openSecret(f.kms, binary, context))).toEqual(bytes);
  });

  it('uses a fresh data key and IV per payload, and zeroes every plaintext data key', async () => {
    const again = await sealSecret(f.kms, f.keyId, context, secret);
    expect(again.iv.equals(sealed.iv)).toBe(false);
    expect(again.encryptedDataKey.equals(sealed.encryptedDataKey)).toBe(false);
    expect(again.ciphertext.equals(sealed.ciphertext)).toBe(false);
    await openSecret(f.kms, again, context);
    expect(f.issued.length).toBeGreaterThan(2);
    for (const key of f.issued) expect(Buffer.from(key).every((byte) => byte === 0)).toBe(true);
    expect(new Set(f.issuedCopies.map((key) => key.toString('hex'))).size).toBeGreaterThan(1);
  });

  it('leaks nothing from the envelope alone: no secret, data key or master key bytes', () => {
    const columns = [sealed.ciphertext, sealed.encryptedDataKey, sealed.iv, sealed.authTag];
    const stored = Buffer.concat([...columns, Buffer.from(sealed.kmsKeyId)]);
    const secrets = [Buffer.from(secret), ...f.issuedCopies, ...f.material];
    for (const bytes of secrets) expect(stored.includes(bytes.subarray(0, 8))).toBe(false);
    const text = JSON.stringify(sealed) + inspect(sealed, { depth: 5 });
    expect(findLeaks(text, secrets)).toEqual([]);
  });

  it('rotates: re-wraps the data key only, bumps keyVersion, and still opens', async () => {
    const rotated = await rewrapEnvelope(f.kms, sealed, context, f.nextKeyId);
    expect(rotated.ciphertext.equals(sealed.ciphertext)).toBe(true);
    expect(rotated.iv.equals(sealed.iv)).toBe(true);
    expect(rotated.authTag.equals(sealed.authTag)).toBe(true);
    expect(rotated.encryptedDataKey.equals(sealed.encryptedDataKey)).toBe(false);
    expect(rotated.kmsKeyId).not.toBe(sealed.kmsKeyId);
    expect(rotated.keyVersion).toBe(2);
    expect(Buffer.from(await openSecret(f.kms, rotated, context)).toString('utf8')).toBe(secret);

    const back = await rewrapEnvelope(f.kms, rotated, context, f.keyId);
    expect(back).toMatchObject({ kmsKeyId: sealed.kmsKeyId, keyVersion: 3 });
    expect(Buffer.from(await openSecret(f.kms, back, context)).toString('utf8')).toBe(secret);

    const stale = { ...rotated, kmsKeyId: sealed.kmsKeyId };
    await expect(openSecret(f.kms, stale, context)).rejects.toBeInstanceOf(KmsRejectedError);
    await expect(
      rewrapEnvelope(f.kms, sealed, { ...context, user_id: 'user-8' }, f.nextKeyId),
    ).rejects.toBeInstanceOf(KmsRejectedError);
  });

  it('refuses bad input with a message naming the field', async () => {
    await expect(sealSecret(f.kms, f.keyId, {}, secret)).rejects.toThrow(
      /encryption context must have at least one field/,
    );
    await expect(sealSecret(f.kms, f.keyId, { ...context, user_id: '' }, secret)).rejects.toThrow(
      /encryption context field "user_id" must be a non-empty string/,
    );
    await expect(sealSecret(f.kms, f.keyId, context, '')).rejects.toThrow(
      /secret must not be empty/,
    );
    await expect(openSecret(f.kms, { ...sealed, keyVersion: 0 }, context)).rejects.toThrow(
      /envelope: keyVersion must be an integer of at least 1/,
    );
  });
});
