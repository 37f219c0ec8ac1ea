import { HmmtradeError } from '@hmmtrade/platform';
import type { EncryptionContext } from './kms-provider.ts';

/**
 * Checks that `context` can bind a secret: at least one pair, non-empty string names, string
 * values. Throws an `ENCRYPTION_CONTEXT_INVALID` error naming the field; values are never echoed.
 */
export function checkEncryptionContext(context: EncryptionContext): void {
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    throw invalid('encryption context must be an object of string values');
  }
  const entries = Object.entries(context as Record<string, unknown>);
  if (entries.length === 0) {
    throw invalid('encryption context must have at least one field (e.g. user_id, connection_id)');
  }
  for (const [name, value] of entries) {
    if (name.length === 0) throw invalid('encryption context field names must not be empty');
    if (typeof value !== 'string' || value.length === 0) {
      throw invalid(`encryption context field "${name}" must be a non-empty string`);
    }
  }
}

/**
 * The context as bytes for GCM additional data: JSON of `[name, value]` pairs sorted by name, so
 * the same map always gives the same bytes whatever its insertion order, and no two different
 * maps give the same bytes.
 */
export function canonicalEncryptionContext(context: EncryptionContext): Buffer {
  const pairs = Object.keys(context)
    .sort()
    .map((name) => [name, context[name]]);
  return Buffer.from(JSON.stringify(pairs), 'utf8');
}

function invalid(message: string): HmmtradeError {
  return new HmmtradeError('ENCRYPTION_CONTEXT_INVALID', message);
}
