import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The simulator's ciphertext blob: self-describing and authenticated, so Decrypt needs no KeyId
 * and a changed byte or a different encryption context fails.
 *
 *   version (1 byte, 0x01) | key id length (1 byte) | key id (UTF-8) | IV (12) | tag (16) | body
 *
 * The body is AES-256-GCM under the sim key's material; the AAD is the header (version and key
 * id) followed by the canonical encryption context, so the context is bound exactly as KMS binds
 * it: order-insensitive, every pair must match, none may be added or left out.
 */
const VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The encryption context as KMS treats it: an unordered map of strings. */
export type SimEncryptionContext = Readonly<Record<string, string>>;

/** Sorted `[key, value]` pairs as JSON: the same bytes for the same map, whatever its order. */
export function canonicalContext(context: SimEncryptionContext | undefined): Buffer {
  const pairs = Object.keys(context ?? {})
    .sort()
    .map((key) => [key, context?.[key]]);
  return Buffer.from(JSON.stringify(pairs), 'utf8');
}

/** Encrypts `plaintext` under `material` (32 bytes) for the key `keyId`. */
export function sealBlob(
  keyId: string,
  material: Buffer,
  plaintext: Uint8Array,
  context: SimEncryptionContext | undefined,
): Buffer {
  const header = encodeHeader(keyId);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', material, iv);
  cipher.setAAD(Buffer.concat([header, canonicalContext(context)]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
}

/** Reads the key id a blob names, or undefined when the blob is not one of ours. */
export function blobKeyId(blob: Uint8Array): string | undefined {
  return parseBlob(blob)?.keyId;
}

/**
 * Decrypts a blob under `material`; undefined when the blob is malformed, was made under other
 * material, was altered, or the context differs from the one it was sealed with.
 */
export function openBlob(
  blob: Uint8Array,
  material: Buffer,
  context: SimEncryptionContext | undefined,
): Buffer | undefined {
  const parsed = parseBlob(blob);
  if (!parsed) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', material, parsed.iv);
    decipher.setAAD(Buffer.concat([parsed.header, canonicalContext(context)]));
    decipher.setAuthTag(parsed.tag);
    return Buffer.concat([decipher.update(parsed.body), decipher.final()]);
  } catch {
    return undefined;
  }
}

function encodeHeader(keyId: string): Buffer {
  const id = Buffer.from(keyId, 'utf8');
  if (id.length > 255) throw new Error('kms-sim: key id longer than 255 bytes');
  return Buffer.concat([Buffer.from([VERSION, id.length]), id]);
}

interface ParsedBlob {
  keyId: string;
  header: Buffer;
  iv: Buffer;
  tag: Buffer;
  body: Buffer;
}

function parseBlob(blob: Uint8Array): ParsedBlob | undefined {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (bytes.length < 2 || bytes[0] !== VERSION) return undefined;
  const idLength = bytes[1] ?? 0;
  const headerEnd = 2 + idLength;
  if (idLength === 0 || bytes.length < headerEnd + IV_BYTES + TAG_BYTES) return undefined;
  return {
    keyId: bytes.subarray(2, headerEnd).toString('utf8'),
    header: bytes.subarray(0, headerEnd),
    iv: bytes.subarray(headerEnd, headerEnd + IV_BYTES),
    tag: bytes.subarray(headerEnd + IV_BYTES, headerEnd + IV_BYTES + TAG_BYTES),
    body: bytes.subarray(headerEnd + IV_BYTES + TAG_BYTES),
  };
}
