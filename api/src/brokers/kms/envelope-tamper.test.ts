import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSecret, sealSecret, SecretIntegrityError, type Envelope } from './envelope.ts';
import { KmsRejectedError, type EncryptionContext } from './kms-provider.ts';
import {
  failure,
  findLeaks,
  flip,
  kmsProviderFixtures,
  type KmsFixture,
} from './kms-providers.fixture.ts';

const context = { user_id: 'user-7', connection_id: 'conn-42' };
const secret = 'alpaca:PKTEST4EXAMPLE:s3cr3t-broker-credential/0123456789-é';

type Change = (envelope: Envelope, context: EncryptionContext) => [Envelope, EncryptionContext];

/** What an attacker with the database (or a bug) might change, and the error it must cause. */
const tampering: {
  name: string;
  change: Change;
  want: typeof KmsRejectedError | typeof SecretIntegrityError;
}[] = [
  {
    name: 'a ciphertext bit',
    change: (e, c) => [{ ...e, ciphertext: flip(e.ciphertext, 0) }, c],
    want: SecretIntegrityError,
  },
  {
    name: 'a truncated ciphertext',
    change: (e, c) => [{ ...e, ciphertext: e.ciphertext.subarray(1) }, c],
    want: SecretIntegrityError,
  },
  {
    name: 'an IV bit',
    change: (e, c) => [{ ...e, iv: flip(e.iv) }, c],
    want: SecretIntegrityError,
  },
  {
    name: 'a short IV',
    change: (e, c) => [{ ...e, iv: e.iv.subarray(4) }, c],
    want: SecretIntegrityError,
  },
  {
    name: 'an auth tag bit',
    change: (e, c) => [{ ...e, authTag: flip(e.authTag) }, c],
    want: SecretIntegrityError,
  },
  {
    name: 'an encrypted data key bit',
    change: (e, c) => [{ ...e, encryptedDataKey: flip(e.encryptedDataKey) }, c],
    want: KmsRejectedError,
  },
  {
    name: 'another user id in the context',
    change: (e, c) => [e, { ...c, user_id: 'user-8' }],
    want: KmsRejectedError,
  },
  {
    name: 'another connection id in the context',
    change: (e, c) => [e, { ...c, connection_id: 'conn-43' }],
    want: KmsRejectedError,
  },
  {
    name: 'an extra context field',
    change: (e, c) => [e, { ...c, tenant: 'x' }],
    want: KmsRejectedError,
  },
  {
    name: 'a missing context field',
    change: (e) => [e, { user_id: 'user-7' }],
    want: KmsRejectedError,
  },
];

describe.each(kmsProviderFixtures)('envelope tampering on $name', ({ start }) => {
  let f: KmsFixture;
  let sealed: Envelope;

  beforeAll(async () => {
    f = await start();
    sealed = await sealSecret(f.kms, f.keyId, context, secret);
  });

  afterAll(async () => {
    await f.close();
  });

  const secrets = (): Uint8Array[] => [Buffer.from(secret), ...f.material, ...f.issuedCopies];

  it('has a leak check that does catch a secret, a data key or a master key', () => {
    const leaks = [
      `secret: ${secret}`,
      inspect(Buffer.from(secret)),
      inspect(new Error('x', { cause: f.issuedCopies[0] })),
      inspect(new Uint8Array(f.issuedCopies[0] ?? [])),
      JSON.stringify({ key: f.issuedCopies[0] }),
      ...f.material.map((bytes) => `key=${bytes.toString('base64')}`),
    ];
    for (const text of leaks) expect(findLeaks(text, secrets())).not.toEqual([]);
  });

  it.each(tampering)('fails closed on $name; the error holds no secret', async (row) => {
    const [envelope, ctx] = row.change(sealed, context);
    const error = await failure(openSecret(f.kms, envelope, ctx));
    expect(error).toBeInstanceOf(row.want);
    const text = [
      inspect(error, { depth: 20, showHidden: true }),
      String(error.stack),
      JSON.stringify(error),
    ].join('\n');
    expect(findLeaks(text, secrets())).toEqual([]);
  });

  it('fails closed on a data key taken from another envelope of the same connection', async () => {
    const other = await sealSecret(f.kms, f.keyId, context, 'another secret');
    const swapped = { ...sealed, encryptedDataKey: other.encryptedDataKey };
    await expect(openSecret(f.kms, swapped, context)).rejects.toBeInstanceOf(SecretIntegrityError);
  });
});
