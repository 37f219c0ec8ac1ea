import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KmsRejectedError } from './kms-provider.ts';
import { failure, findLeaks } from './kms-providers.fixture.ts';
import { createLocalKmsProvider, LOCAL_CURRENT_KEY } from './local-kms-provider.ts';
import { addLocalMasterKey } from './local-master-keys.ts';

const context = { user_id: 'user-1', connection_id: 'conn-1' };

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hmmtrade-local-kms-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('local-kms master key file', () => {
  it('creates a 32-byte key file with mode 0600 when missing, and reuses it', async () => {
    const path = join(dir, 'nested', 'master.key');
    const first = await createLocalKmsProvider({ masterKeyFile: path });
    const info = await stat(path);
    expect(info.mode & 0o777).toBe(0o600);
    expect(info.size).toBe(32);
    expect(first.currentKeyId).toMatch(/^local:[0-9a-f]{16}$/);
    const second = await createLocalKmsProvider({ masterKeyFile: path });
    expect(second.currentKeyId).toBe(first.currentKeyId);
    const key = await first.generateDataKey(LOCAL_CURRENT_KEY, context);
    const opened = await second.decrypt(key.ciphertext, context, key.keyId);
    expect(Buffer.from(opened.plaintext)).toEqual(Buffer.from(key.plaintext));
  });

  it.each([
    ['world-readable', 0o644, /accessible by group or others \(mode 0644\); run chmod 600/],
    ['group-readable', 0o640, /accessible by group or others \(mode 0640\)/],
  ])('refuses a %s key file and keeps the key out of the message', async (_name, mode, want) => {
    const path = join(dir, 'master.key');
    await createLocalKmsProvider({ masterKeyFile: path });
    const material = await readFile(path);
    await chmod(path, mode);
    const error = await failure(createLocalKmsProvider({ masterKeyFile: path }));
    expect(error.message).toMatch(want);
    expect(error.message).toContain(path);
    expect(findLeaks(inspect(error, { depth: 10 }), [material])).toEqual([]);
  });

  it('refuses a key file of the wrong size', async () => {
    const path = join(dir, 'short.key');
    await writeFile(path, Buffer.alloc(31, 7), { mode: 0o600 });
    await expect(createLocalKmsProvider({ masterKeyFile: path })).rejects.toThrow(
      /must hold exactly 32 bytes, found 31/,
    );
  });

  it('refuses a missing file in a list and a key directory writable by others', async () => {
    await expect(
      createLocalKmsProvider({ masterKeyFile: [join(dir, 'absent.key')] }),
    ).rejects.toThrow(/cannot open master key file .*absent\.key \(ENOENT\)/);
    const keys = join(dir, 'keys');
    await createLocalKmsProvider({ masterKeyDir: keys });
    await chmod(keys, 0o777);
    await expect(createLocalKmsProvider({ masterKeyDir: keys })).rejects.toThrow(
      /writable by group or others \(mode 0777\); run chmod go-w/,
    );
    await expect(createLocalKmsProvider({ masterKeyFile: keys })).rejects.toThrow(
      /is a directory; pass it as masterKeyDir/,
    );
  });
});

describe('addLocalMasterKey', () => {
  it('numbers keys in age order, and concurrent rotations never share a file', async () => {
    const keys = join(dir, 'keys');
    const added = await Promise.all([1, 2, 3].map(() => addLocalMasterKey(keys)));
    expect(added.map((path) => basename(path)).sort()).toEqual([
      'master-000001.key',
      'master-000002.key',
      'master-000003.key',
    ]);
    const kms = await createLocalKmsProvider({ masterKeyDir: keys });
    expect(new Set(kms.keyIds).size).toBe(3);
  });
});

describe('local-kms wrapping', () => {
  it('wraps with the context bound, and rejects any change as KmsRejectedError', async () => {
    const kms = await createLocalKmsProvider({ masterKeyFile: join(dir, 'master.key') });
    const key = await kms.generateDataKey(LOCAL_CURRENT_KEY, context);
    expect(key.plaintext).toHaveLength(32);
    expect(key.keyId).toBe(kms.currentKeyId);
    const reordered = { connection_id: 'conn-1', user_id: 'user-1' };
    const opened = await kms.decrypt(key.ciphertext, reordered);
    expect(Buffer.from(opened.plaintext)).toEqual(Buffer.from(key.plaintext));

    const tampered = Buffer.from(key.ciphertext);
    tampered[20] = (tampered[20] ?? 0) ^ 0x01;
    const attempts = [
      kms.decrypt(key.ciphertext, { ...context, user_id: 'user-2' }),
      kms.decrypt(key.ciphertext, { user_id: 'user-1' }),
      kms.decrypt(key.ciphertext, { ...context, extra: 'x' }),
      kms.decrypt(tampered, context),
      kms.decrypt(key.ciphertext.subarray(1), context),
      kms.decrypt(key.ciphertext, context, 'local:0000000000000000'),
      kms.generateDataKey('arn:aws:kms:us-east-1:111122223333:key/x', context),
    ];
    for (const attempt of attempts) {
      const error = await failure(attempt);
      expect(error).toBeInstanceOf(KmsRejectedError);
      expect(findLeaks(inspect(error, { depth: 10 }), [key.plaintext])).toEqual([]);
    }
  });

  it('rotates: the newest key wraps, older keys still unwrap, reEncrypt moves to the newest', async () => {
    const keys = join(dir, 'keys');
    const before = await createLocalKmsProvider({ masterKeyDir: keys });
    const old = await before.generateDataKey(LOCAL_CURRENT_KEY, context);

    const newPath = await addLocalMasterKey(keys);
    expect(basename(newPath)).toBe('master-000002.key');
    const after = await createLocalKmsProvider({ masterKeyDir: keys });
    expect(after.keyIds).toEqual([before.currentKeyId, after.currentKeyId]);
    expect(after.currentKeyId).not.toBe(before.currentKeyId);
    const opened = await after.decrypt(old.ciphertext, context, old.keyId);
    expect(Buffer.from(opened.plaintext)).toEqual(Buffer.from(old.plaintext));

    const [oldName] = (await readdir(keys)).filter((name) => name !== basename(newPath)).sort();
    const listed = await createLocalKmsProvider({
      masterKeyFile: [join(keys, oldName ?? ''), newPath],
    });
    expect(listed.currentKeyId).toBe(after.currentKeyId);
    expect(listed.keyIds).toEqual(after.keyIds);

    const moved = await after.reEncrypt(old.ciphertext, context, LOCAL_CURRENT_KEY, old.keyId);
    expect(moved.keyId).toBe(after.currentKeyId);
    const newestOnly = await createLocalKmsProvider({ masterKeyFile: [newPath] });
    const reopened = await newestOnly.decrypt(moved.ciphertext, context, moved.keyId);
    expect(Buffer.from(reopened.plaintext)).toEqual(Buffer.from(old.plaintext));
    await expect(newestOnly.decrypt(old.ciphertext, context)).rejects.toThrow(
      /wrapped under local:[0-9a-f]{16}, which is not loaded/,
    );
  });
});
