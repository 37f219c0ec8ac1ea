import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEnvFileCredentials } from './alpaca-credentials.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alpaca-credentials-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createEnvFileCredentials', () => {
  it('prefers the .env file and re-reads it when the supervisor rewrites it', async () => {
    const file = join(dir, '.env');
    await writeFile(file, 'APCA_API_KEY_ID=first\nAPCA_API_SECRET_KEY=one\n');
    await utimes(file, 1_000, 1_000);
    const credentials = createEnvFileCredentials({
      envFile: file,
      env: { APCA_API_KEY_ID: 'env-id', APCA_API_SECRET_KEY: 'env-secret' },
    });
    expect(await credentials()).toEqual({ keyId: 'first', secretKey: 'one' });
    await writeFile(file, 'APCA_API_KEY_ID=second\nAPCA_API_SECRET_KEY=two\n');
    await utimes(file, 2_000, 2_000);
    expect(await credentials()).toEqual({ keyId: 'second', secretKey: 'two' });
  });

  it('falls back to the environment without the file, and says which keys are missing', async () => {
    const withEnv = createEnvFileCredentials({
      envFile: join(dir, 'missing.env'),
      env: { APCA_API_KEY_ID: 'env-id', APCA_API_SECRET_KEY: 'env-secret' },
    });
    expect(await withEnv()).toEqual({ keyId: 'env-id', secretKey: 'env-secret' });
    const without = createEnvFileCredentials({ envFile: undefined, env: {} });
    await expect(without()).rejects.toThrow('APCA_API_KEY_ID and APCA_API_SECRET_KEY are not set');
  });
});
