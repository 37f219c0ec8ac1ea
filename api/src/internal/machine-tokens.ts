import {
  SignJWT,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type JWK,
} from 'jose';

/** What a machine JWT lets a bot do. */
export const MACHINE_SCOPES = ['profile:read', 'broker-token', 'audit:write'] as const;
export type MachineScope = (typeof MACHINE_SCOPES)[number];

export const MACHINE_AUDIENCE = 'hmmtrade-internal';
const ALGORITHM = 'ES256';
const VERIFIED_CACHE_SIZE = 10_000;

/** Mints and verifies the bots' machine JWTs (ES256, `kid` for rotation, JWKS published). */
export interface MachineTokens {
  /** A token for `botId` (`sub`), valid for `ttlSeconds`. The operator puts it in the bot's env. */
  mint(botId: string, scopes?: readonly MachineScope[]): Promise<string>;
  /** The bot and scopes of a valid token; undefined for anything else (never throws). */
  verify(token: string): Promise<{ botId: string; scopes: readonly string[] } | undefined>;
  /** Public keys, for `/api/v1/internal/jwks`. */
  jwks(): { keys: JWK[] };
}

/**
 * `signingKeys[0]` signs; every key verifies, so a new key can be added first and the old one
 * kept until the tokens it signed expire.
 */
export async function createMachineTokens(options: {
  signingKeys: readonly JWK[];
  issuer: string;
  ttlSeconds?: number;
}): Promise<MachineTokens> {
  const [current] = options.signingKeys;
  if (!current?.kid || !current.d)
    throw new Error('machine JWT: the first key must be a private JWK with a kid');
  const privateKey = await importJWK(current, ALGORITHM);
  const publicJwks = options.signingKeys.map(({ d: _private, ...publicPart }) => ({
    ...publicPart,
    alg: ALGORITHM,
    use: 'sig',
  }));
  const keySet = createLocalJWKSet({ keys: publicJwks });
  const ttl = options.ttlSeconds ?? 24 * 3600;
  // Verifying ES256 costs more than the rest of a profile request; a bot sends the same token
  // for hours, so verified tokens are remembered until they expire (bounded, oldest evicted).
  const verified = new Map<
    string,
    { botId: string; scopes: readonly string[]; expiresAt: number }
  >();
  const remember = (
    token: string,
    value: { botId: string; scopes: readonly string[] },
    exp: number,
  ) => {
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, { ...value, expiresAt: exp * 1000 });
  };
  return {
    mint: (botId, scopes = MACHINE_SCOPES) =>
      new SignJWT({ scope: scopes.join(' ') })
        .setProtectedHeader({ alg: ALGORITHM, kid: current.kid! })
        .setSubject(botId)
        .setAudience(MACHINE_AUDIENCE)
        .setIssuer(options.issuer)
        .setIssuedAt()
        .setExpirationTime(`${ttl}s`)
        .sign(privateKey),
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.expiresAt > Date.now()) return { botId: known.botId, scopes: known.scopes };
        verified.delete(token);
        return undefined;
      }
      try {
        const { payload } = await jwtVerify(token, keySet, {
          audience: MACHINE_AUDIENCE,
          issuer: options.issuer,
          algorithms: [ALGORITHM],
        });
        if (!payload.sub) return undefined;
        const scope = typeof payload.scope === 'string' ? payload.scope : '';
        const result = { botId: payload.sub, scopes: scope.split(' ').filter(Boolean) };
        if (payload.exp) remember(token, result, payload.exp);
        return result;
      } catch {
        return undefined;
      }
    },
    jwks: () => ({ keys: publicJwks }),
  };
}

/** A new ES256 private key as a JWK with a random `kid`. */
export async function generateMachineSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: crypto.randomUUID(), alg: ALGORITHM };
}
