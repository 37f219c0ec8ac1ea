import { createServer, type Server } from 'node:http';
import { KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKmsSim, type KmsSim } from '@hmmtrade/testkit/kms-sim';
import {
  createTestClient,
  startTestApi,
  type TestApi,
  type TestClient,
} from '../testing/api-harness.ts';
import { createAlpacaVerifier } from './broker-verifier.ts';
import { createAwsKmsProvider } from './kms/index.ts';

const KEY_ID = 'PKTESTKEYID12345';
const SECRET = 'sEcReT-alpaca-0123456789abcdef';

/** A stand-in for Alpaca's GET /v2/account: accepts only the test key pair. */
function startAlpacaStub(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const ok =
      req.headers['apca-api-key-id'] === KEY_ID && req.headers['apca-api-secret-key'] === SECRET;
    res
      .writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
      .end(ok ? '{"status":"ACTIVE"}' : '{"message":"forbidden"}');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server }),
    ),
  );
}

describe('broker connections under KMS envelope encryption (real AWS SDK against kms-sim)', () => {
  let kms: KmsSim;
  let api: TestApi;
  let alpaca: { url: string; server: Server };
  let user: TestClient;

  beforeAll(async () => {
    kms = await startKmsSim({ keys: [{ alias: 'alias/hmmtrade-brokers' }] });
    alpaca = await startAlpacaStub();
    const client = new KMSClient({
      endpoint: kms.url,
      region: kms.region,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    api = await startTestApi('postgres', {
      brokerKms: { provider: createAwsKmsProvider({ client }), keyId: 'alias/hmmtrade-brokers' },
      brokerVerifier: createAlpacaVerifier({ paper: alpaca.url, live: alpaca.url }),
    });
    user = createTestClient(api.url);
    await user.signup('broker@example.com');
  });
  afterAll(async () => {
    await api?.dispose();
    await kms?.stop();
    alpaca?.server.close();
  });

  it('stores only the envelope, never returns the secret, verifies, and hands it to the bot', async () => {
    const created = await user.request('POST', '/api/v1/brokers', {
      kind: 'alpaca',
      environment: 'paper',
      label: 'main',
      keyId: KEY_ID,
      secretKey: SECRET,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'alpaca',
      environment: 'paper',
      keyIdHint: 'PK…2345',
      verifiedAt: null,
    });
    expect(JSON.stringify(created.body)).not.toContain(SECRET);

    const row = await api.testDb.handle.db
      .selectFrom('broker_connections')
      .selectAll()
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(row.kms_key_id).toMatch(/^arn:aws:kms:us-east-1:\d+:key\//);
    for (const column of [row.ciphertext, row.encrypted_data_key, row.iv, row.auth_tag]) {
      expect(column?.toString('latin1')).not.toContain(SECRET);
      expect(column?.toString('latin1')).not.toContain(KEY_ID);
    }

    const verified = await user.request('POST', `/api/v1/brokers/${created.body.id}/verify`);
    expect(verified.status).toBe(200);
    expect(verified.body.verifiedAt).toEqual(expect.any(String));
    const listed = await user.request('GET', '/api/v1/brokers');
    expect(JSON.stringify(listed.body)).not.toContain(SECRET);

    const bot = await user.request('POST', '/api/v1/bots', {
      name: 'alpaca-bot',
      spec: {
        broker: { kind: 'alpaca', connectionId: created.body.id },
        profile: { symbols: ['AAPL'], assetClass: 'stocks', timeframe: '5Min' },
        runtime: { backend: 'fly' },
      },
    });
    expect(bot.status).toBe(201);
    const machine = user.bearer(await api.machineTokens.mint(bot.body.metadata.id));
    const profile = await machine.request('GET', `/api/v1/internal/bots/${bot.body.metadata.id}`);
    expect(profile.body.connection).toEqual({
      id: created.body.id,
      kind: 'alpaca',
      environment: 'paper',
      label: 'main',
    });
    expect(JSON.stringify(profile.body)).not.toContain(SECRET);

    const token = await machine.request('POST', '/api/v1/internal/broker_token');
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({
      kind: 'alpaca',
      environment: 'paper',
      credentials: { keyId: KEY_ID, secretKey: SECRET },
    });
    expect(Date.parse(token.body.expiresAt)).toBeGreaterThan(Date.now());

    kms.setDown(true);
    const down = await machine.request('POST', '/api/v1/internal/broker_token');
    kms.setDown(false);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(down.body.error.code).toBe('unavailable');

    const inUse = await user.request('DELETE', `/api/v1/brokers/${created.body.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toBe('used by bots: alpaca-bot');
  });

  it('reports keys the broker rejects, and deletes an unused connection', async () => {
    const created = await user.request('POST', '/api/v1/brokers', {
      kind: 'alpaca',
      label: 'wrong',
      keyId: 'PKWRONGKEY000',
      secretKey: 'not-the-right-secret-123',
    });
    const verified = await user.request('POST', `/api/v1/brokers/${created.body.id}/verify`);
    expect(verified.status).toBe(422);
    expect(verified.body.error.message).toBe('Alpaca paper rejected the keys (401)');
    expect((await user.request('DELETE', `/api/v1/brokers/${created.body.id}`)).status).toBe(204);
    expect(
      (await user.request('GET', '/api/v1/brokers')).body.items.map(
        (c: { label: string }) => c.label,
      ),
    ).not.toContain('wrong');
  });

  it('answers 503 with Retry-After when KMS is down while connecting, and stores nothing', async () => {
    const before = await api.testDb.handle.db
      .selectFrom('broker_connections')
      .select('id')
      .execute();
    kms.setDown(true);
    const attempt = await user.request('POST', '/api/v1/brokers', {
      kind: 'alpaca',
      label: 'later',
      keyId: KEY_ID,
      secretKey: SECRET,
    });
    kms.setDown(false);
    expect(attempt.status).toBe(503);
    expect(attempt.headers.get('retry-after')).toBe('5');
    expect(
      await api.testDb.handle.db.selectFrom('broker_connections').select('id').execute(),
    ).toEqual(before);
  });

  it('never logs a secret: passwords, API tokens, machine JWTs, broker keys', async () => {
    const token = (await user.request('POST', '/api/v1/accounts/tokens', { name: 'scan' })).body
      .token as string;
    await user.bearer(token).request('GET', '/api/v1/bots');
    const logs = api.logLines.join('');
    expect(logs).toMatch(/"msg":"request"/);
    expect(logs).toMatch(/"route":"\/api\/v1\/internal\/broker_token"/);
    for (const secret of ['correct horse battery staple', SECRET, KEY_ID, token, 'sEcReT']) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it('gives a sim bot a token without any connection', async () => {
    const bot = await user.request('POST', '/api/v1/bots', {
      name: 'sim-bot',
      spec: {
        broker: { kind: 'sim' },
        profile: { symbols: ['BTC/USD'], assetClass: 'crypto', timeframe: '1Min' },
        runtime: { backend: 'local' },
      },
    });
    const machine = user.bearer(await api.machineTokens.mint(bot.body.metadata.id));
    const token = await machine.request('POST', '/api/v1/internal/broker_token');
    expect(token.body).toMatchObject({
      kind: 'sim',
      environment: 'paper',
      token: expect.any(String),
    });
  });
});
