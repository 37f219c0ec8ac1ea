import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { startKmsSim } from '@hmmtrade/testkit/kms-sim';
import { createAwsKmsProvider } from './aws-kms-provider.ts';
import type { KmsProvider } from './kms-provider.ts';
import { createLocalKmsProvider, LOCAL_CURRENT_KEY } from './local-kms-provider.ts';
import { addLocalMasterKey } from './local-master-keys.ts';

/*
 * Test fixtures for the KMS providers: the same table runs the envelope tests on every provider.
 * Imported by tests only.
 */

/** One provider under test, with what provider-independent tests need to know about it. */
export interface KmsFixture {
  kms: KmsProvider;
  /** Wraps new envelopes. */
  keyId: string;
  /** A second key: the rotation target. */
  nextKeyId: string;
  /** Key material the test can see (local master keys), which no envelope or error may hold. */
  material: Buffer[];
  /** Every plaintext data key the provider handed out, as the caller received it. */
  issued: Uint8Array[];
  /** Copies of those keys taken on issue, for leak checks after the originals are zeroed. */
  issuedCopies: Buffer[];
  close(): Promise<void>;
}

/** A real SDK client on `url`; two attempts, so an outage surfaces after one retry. */
export function simClient(url: string, region: string): KMSClient {
  return new KMSClient({
    endpoint: url,
    region,
    credentials: { accessKeyId: 'AKIDKMSSIM', secretAccessKey: 'kms-sim-secret' },
    maxAttempts: 2,
  });
}

/** Every provider, as `{ name, start }` rows for `describe.each`. */
export const kmsProviderFixtures: { name: string; start: () => Promise<KmsFixture> }[] = [
  {
    name: 'aws-kms (real SDK on kms-sim)',
    async start() {
      const sim = await startKmsSim({
        keys: [{ alias: 'alias/hmmtrade-brokers' }, { alias: 'alias/hmmtrade-brokers-next' }],
      });
      const client = simClient(sim.url, sim.region);
      const recorded = { issued: [], issuedCopies: [] };
      return {
        ...recorded,
        kms: recording(createAwsKmsProvider({ client }), recorded),
        keyId: 'alias/hmmtrade-brokers',
        nextKeyId: 'alias/hmmtrade-brokers-next',
        material: [],
        async close() {
          client.destroy();
          await sim.stop();
        },
      };
    },
  },
  {
    name: 'local-kms (master key files)',
    async start() {
      const dir = await mkdtemp(join(tmpdir(), 'hmmtrade-kms-fixture-'));
      const first = await createLocalKmsProvider({ masterKeyDir: dir });
      await addLocalMasterKey(dir);
      const kms = await createLocalKmsProvider({ masterKeyDir: dir });
      const names = (await readdir(dir)).filter((name) => name.endsWith('.key'));
      const material = await Promise.all(names.map((name) => readFile(join(dir, name))));
      const recorded = { issued: [], issuedCopies: [] };
      return {
        ...recorded,
        kms: recording(kms, recorded),
        keyId: first.currentKeyId,
        nextKeyId: LOCAL_CURRENT_KEY,
        material,
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
];

/** Wraps `kms` so every plaintext data key it returns is recorded (to check it gets zeroed). */
function recording(
  kms: KmsProvider,
  recorded: Pick<KmsFixture, 'issued' | 'issuedCopies'>,
): KmsProvider {
  const record = (key: Uint8Array): void => {
    recorded.issued.push(key);
    recorded.issuedCopies.push(Buffer.from(key));
  };
  return {
    name: kms.name,
    async generateDataKey(keyId, context) {
      const key = await kms.generateDataKey(keyId, context);
      record(key.plaintext);
      return key;
    },
    async decrypt(ciphertext, context, expectedKeyId) {
      const out = await kms.decrypt(ciphertext, context, expectedKeyId);
      record(out.plaintext);
      return out;
    },
    reEncrypt: (ciphertext, context, newKeyId, expectedKeyId) =>
      kms.reEncrypt(ciphertext, context, newKeyId, expectedKeyId),
  };
}

/**
 * The spellings of each of `secrets` found in `text`: UTF-8 as is, and hex, base64, base64url and
 * comma-joined decimal, whole or as a 15-byte prefix (`inspect` truncates long buffers), matched
 * with all whitespace removed from `text`. Empty means no leak.
 */
export function findLeaks(text: string, secrets: readonly Uint8Array[]): string[] {
  const compact = text.replace(/\s+/g, '');
  const found: string[] = [];
  for (const bytes of secrets) {
    const whole = Buffer.from(bytes);
    if (text.includes(whole.toString('utf8'))) found.push(whole.toString('utf8'));
    for (const part of [whole, whole.subarray(0, 15)]) {
      for (const spelling of [
        part.toString('hex'),
        part.toString('base64'),
        part.toString('base64url'),
        Array.from(part).join(','),
      ]) {
        if (compact.includes(spelling)) found.push(spelling);
      }
    }
  }
  return found;
}

/** The error `promise` rejects with; throws if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('expected the call to fail, it succeeded');
  return outcome;
}

/** A copy of `buffer` with one bit of byte `index` (default: the last) flipped. */
export function flip(buffer: Buffer, index = buffer.length - 1): Buffer {
  const copy = Buffer.from(buffer);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}
