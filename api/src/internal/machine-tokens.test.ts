import { describe, expect, it } from 'vitest';
import { createMachineTokens, generateMachineSigningKey } from './machine-tokens.ts';

describe('machine tokens', () => {
  it('mints ES256 tokens with a kid that verify to their bot and scopes', async () => {
    const key = await generateMachineSigningKey();
    const tokens = await createMachineTokens({ signingKeys: [key], issuer: 'https://api.test' });
    const token = await tokens.mint('bot-a');
    const [header] = token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({
      alg: 'ES256',
      kid: key.kid,
    });
    expect(await tokens.verify(token)).toEqual({
      botId: 'bot-a',
      scopes: ['profile:read', 'broker-token', 'audit:write'],
    });
    expect(tokens.jwks().keys[0]).not.toHaveProperty('d');
  });

  it('rejects tampered, foreign, expired and wrong-audience tokens', async () => {
    const tokens = await createMachineTokens({
      signingKeys: [await generateMachineSigningKey()],
      issuer: 'https://api.test',
    });
    const other = await createMachineTokens({
      signingKeys: [await generateMachineSigningKey()],
      issuer: 'https://api.test',
    });
    const expired = await createMachineTokens({
      signingKeys: [await generateMachineSigningKey()],
      issuer: 'https://api.test',
      ttlSeconds: -10,
    });
    const token = await tokens.mint('bot-a');
    const [h, p, s] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'bot-b' }),
    ).toString('base64url');
    expect(await tokens.verify(`${h}.${forgedPayload}.${s}`)).toBeUndefined();
    expect(await tokens.verify(await other.mint('bot-a'))).toBeUndefined();
    expect(await expired.verify(await expired.mint('bot-a'))).toBeUndefined();
    expect(await tokens.verify('not-a-jwt')).toBeUndefined();
  });

  it('keeps verifying tokens of a retired key while a new one signs (rotation)', async () => {
    const oldKey = await generateMachineSigningKey();
    const newKey = await generateMachineSigningKey();
    const before = await createMachineTokens({ signingKeys: [oldKey], issuer: 'i' });
    const after = await createMachineTokens({ signingKeys: [newKey, oldKey], issuer: 'i' });
    expect(await after.verify(await before.mint('bot-a'))).toMatchObject({ botId: 'bot-a' });
    const fresh = await after.mint('bot-a');
    expect(JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()).kid).toBe(
      newKey.kid,
    );
  });
});
