import { kmsErrors } from './kms-sim-errors.ts';
import type { SimEncryptionContext } from './sim-ciphertext.ts';

/**
 * Readers for the members of a KMS JSON request. A missing or malformed member becomes a
 * ValidationException that names the member and the constraint, in AWS's wording, and never
 * echoes the value (it may be a secret).
 */
export type SimInput = Readonly<Record<string, unknown>>;

function invalid(member: string, constraint: string): Error {
  return kmsErrors.validation(
    `1 validation error detected: Value at '${lowerFirst(member)}' failed to satisfy constraint: ${constraint}`,
  );
}

function lowerFirst(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

/** A required non-empty string member. */
export function requiredString(input: SimInput, member: string): string {
  const value = input[member];
  if (value === undefined || value === null) invalidNull(member);
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) {
    throw invalid(member, 'Member must be a string of length between 1 and 2048');
  }
  return value;
}

function invalidNull(member: string): never {
  throw invalid(member, 'Member must not be null');
}

/** An optional string member. */
export function optionalString(input: SimInput, member: string): string | undefined {
  return input[member] === undefined || input[member] === null
    ? undefined
    : requiredString(input, member);
}

/** An optional integer member within `[min, max]`. */
export function optionalInteger(
  input: SimInput,
  member: string,
  min: number,
  max: number,
): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(member, `Member must be an integer between ${min} and ${max}`);
  }
  return value;
}

/** A required blob member (base64 in JSON) of `min`..`max` bytes. */
export function requiredBlob(input: SimInput, member: string, min: number, max: number): Buffer {
  const value = input[member];
  if (value === undefined || value === null) invalidNull(member);
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw invalid(member, 'Member must be base64-encoded binary data');
  }
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < min || bytes.length > max) {
    throw invalid(member, `Member must have length between ${min} and ${max} bytes`);
  }
  return bytes;
}

/** An optional encryption context: a map of strings to strings. */
export function encryptionContext(input: SimInput, member: string): SimEncryptionContext {
  const value = input[member];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(member, 'Member must be a map of strings to strings');
  }
  for (const [key, entry] of Object.entries(value)) {
    if (key.length === 0 || typeof entry !== 'string') {
      throw invalid(member, 'Member must be a map of non-empty string keys to string values');
    }
  }
  return value as SimEncryptionContext;
}

/** An optional EncryptionAlgorithm member: symmetric keys know only SYMMETRIC_DEFAULT. */
export function checkAlgorithm(input: SimInput, member: string): void {
  const value = optionalString(input, member);
  if (value !== undefined && value !== 'SYMMETRIC_DEFAULT') {
    throw kmsErrors.validation(`${member} must be SYMMETRIC_DEFAULT for a symmetric KMS key`);
  }
}
