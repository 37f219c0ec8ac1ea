import { describe, expect, it } from 'vitest';
import { brokerSecrets, createSecretRedactor } from './secret-redactor.ts';

describe('createSecretRedactor', () => {
  it('replaces every occurrence of each secret, longest first, and ignores short values', () => {
    const redactor = createSecretRedactor([
      'secret-value',
      'secret-value-long',
      'short',
      undefined,
    ]);
    expect(redactor.redact('a secret-value-long b secret-value c short')).toBe(
      'a [redacted] b [redacted] c short',
    );
  });

  it('takes new secrets after a refresh', () => {
    const redactor = createSecretRedactor(brokerSecrets({ token: 'first-sim-token' }));
    redactor.setSecrets(
      brokerSecrets({ credentials: { keyId: 'PKKEYID123', secretKey: 'sk-12345678' } }),
    );
    expect(redactor.redact('first-sim-token PKKEYID123 sk-12345678')).toBe(
      'first-sim-token [redacted] [redacted]',
    );
  });
});
