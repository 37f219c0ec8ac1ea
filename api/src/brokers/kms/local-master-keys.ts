import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HmmtradeError } from '@hmmtrade/platform';

/** One loaded master key of the local provider. */
export interface LocalMasterKey {
  /** `local:<16 hex>`: a SHA-256 fingerprint prefix (domain-separated), safe to log and store. */
  readonly keyId: string;
  /** The first 8 bytes of the fingerprint, as written into wrapped data keys. */
  readonly fingerprint: Buffer;
  readonly material: Buffer;
  readonly path: string;
}

export const MASTER_KEY_BYTES = 32;
const FINGERPRINT_BYTES = 8;
const KEY_FILE_SUFFIX = '.key';

/**
 * Where the local provider's master keys live. Oldest first; the last one wraps new data keys.
 * - `masterKeyFile`, one path: that file, created with a fresh key (mode 0600) if missing;
 * - `masterKeyFile`, a list: those files, all of which must exist;
 * - `masterKeyDir`: every `*.key` file in it, in name order (`addLocalMasterKey` writes the
 *   next, `master-000002.key` …); a missing or empty directory gets `master-000001.key`.
 */
export type MasterKeySource =
  { masterKeyFile: string | readonly string[] } | { masterKeyDir: string };

/**
 * Loads the master keys of `source`. A key file must be a regular file of exactly 32 bytes with
 * no group or other permissions; a key directory must not be writable by group or others (a
 * planted newest key would capture every new secret).
 */
export async function loadLocalMasterKeys(source: MasterKeySource): Promise<LocalMasterKey[]> {
  if ('masterKeyDir' in source) return loadDirectory(source.masterKeyDir);
  const { masterKeyFile } = source;
  if (typeof masterKeyFile !== 'string') {
    if (masterKeyFile.length === 0) throw keyError('masterKeyFile: the list of key files is empty');
    return Promise.all(masterKeyFile.map((path) => readMasterKey(path)));
  }
  const info = await stat(masterKeyFile).catch(() => undefined);
  if (info?.isDirectory()) {
    throw keyError(`master key file ${masterKeyFile} is a directory; pass it as masterKeyDir`);
  }
  if (!info) await createKeyFile(masterKeyFile);
  return [await readMasterKey(masterKeyFile)];
}

/**
 * Rotation: writes a new key into a key directory as `master-<n+1>.key` (zero-padded, so name
 * order is age order) and returns its path. Two concurrent calls get two distinct files.
 */
export async function addLocalMasterKey(directory: string): Promise<string> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const path = join(directory, keyFileName(await nextSequence(directory)));
    if (await createKeyFile(path)) return path;
  }
  throw keyError(`cannot add a master key to ${directory}: it keeps changing`);
}

/** The 8-byte fingerprint of `material`: a domain-separated SHA-256 prefix (its hex is the key id). */
export function localKeyFingerprint(material: Buffer): Buffer {
  return createHash('sha256')
    .update('hmmtrade local-kms master key id\0')
    .update(material)
    .digest()
    .subarray(0, FINGERPRINT_BYTES);
}

async function loadDirectory(directory: string): Promise<LocalMasterKey[]> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const info = await stat(directory);
  if ((info.mode & 0o022) !== 0) {
    throw keyError(
      `master key directory ${directory} is writable by group or others ` +
        `(mode ${octal(info.mode)}); run chmod go-w ${directory}`,
    );
  }
  let names = (await readdir(directory)).filter((name) => name.endsWith(KEY_FILE_SUFFIX)).sort();
  if (names.length === 0) {
    await createKeyFile(join(directory, keyFileName(1)));
    names = (await readdir(directory)).filter((name) => name.endsWith(KEY_FILE_SUFFIX)).sort();
  }
  return Promise.all(names.map((name) => readMasterKey(join(directory, name))));
}

function keyFileName(sequence: number): string {
  return `master-${String(sequence).padStart(6, '0')}${KEY_FILE_SUFFIX}`;
}

async function nextSequence(directory: string): Promise<number> {
  const taken = (await readdir(directory)).map((name) =>
    Number(/^master-(\d+)\.key$/.exec(name)?.[1] ?? 0),
  );
  return Math.max(0, ...taken) + 1;
}

/**
 * Creates `path` atomically (temporary file, then link) with a random key and mode 0600.
 * Returns false, leaving it alone, when `path` already exists.
 */
async function createKeyFile(path: string): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const material = randomBytes(MASTER_KEY_BYTES);
  try {
    await writeFile(temporary, material, { mode: 0o600, flag: 'wx' });
    return await link(temporary, path).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return false;
        throw error;
      },
    );
  } catch (error) {
    throw keyError(`cannot create master key file ${path}`, error);
  } finally {
    material.fill(0);
    await unlink(temporary).catch(() => undefined);
  }
}

async function readMasterKey(path: string): Promise<LocalMasterKey> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw keyError(`cannot open master key file ${path}`, error);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw keyError(`master key file ${path} is not a regular file`);
    if ((info.mode & 0o077) !== 0) {
      throw keyError(
        `master key file ${path} is accessible by group or others (mode ${octal(info.mode)}); ` +
          `run chmod 600 ${path}`,
      );
    }
    if (info.size !== MASTER_KEY_BYTES) {
      throw keyError(
        `master key file ${path} must hold exactly ${MASTER_KEY_BYTES} bytes, found ${info.size}`,
      );
    }
    const material = await handle.readFile();
    if (material.length !== MASTER_KEY_BYTES) {
      throw keyError(`master key file ${path} changed while it was read`);
    }
    const fingerprint = localKeyFingerprint(material);
    return { keyId: `local:${fingerprint.toString('hex')}`, fingerprint, material, path };
  } finally {
    await handle.close();
  }
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

function keyError(message: string, cause?: unknown): HmmtradeError {
  const reason = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new HmmtradeError(
    'KMS_MASTER_KEY_INVALID',
    `local-kms: ${message}${reason ? ` (${reason})` : ''}`,
    {
      cause,
    },
  );
}
