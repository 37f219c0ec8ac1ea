/** Replaces known secret values in text; see createSecretRedactor. */
export interface SecretRedactor {
  redact(text: string): string;
  /** Replaces the set of secrets (after a broker-token refresh). */
  setSecrets(secrets: readonly (string | undefined)[]): void;
}

export const REDACTED = '[redacted]';

/** Values shorter than this are not treated as secrets (they would match ordinary text). */
const MIN_SECRET_LENGTH = 8;

/**
 * Defence in depth for the trader's output: the supervisor knows the machine token and the
 * broker credential, so if a trader prints one, the copy teed to stdout and to the audit sink
 * shows `[redacted]` instead.
 */
export function createSecretRedactor(initial: readonly (string | undefined)[]): SecretRedactor {
  let secrets: string[] = [];
  const setSecrets = (values: readonly (string | undefined)[]) => {
    secrets = [...new Set(values)]
      .filter((value): value is string => value !== undefined && value.length >= MIN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length); // a secret containing another is replaced whole
  };
  setSecrets(initial);
  return {
    redact(text) {
      let result = text;
      for (const secret of secrets) {
        if (result.includes(secret)) result = result.replaceAll(secret, REDACTED);
      }
      return result;
    },
    setSecrets,
  };
}

/** The secret values of a broker token, for the redactor. */
export function brokerSecrets(token: {
  credentials?: { keyId: string; secretKey: string } | undefined;
  token?: string | undefined;
}): (string | undefined)[] {
  return [token.credentials?.keyId, token.credentials?.secretKey, token.token];
}
