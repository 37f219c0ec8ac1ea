import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestClient,
  startTestApi,
  type TestApi,
  type TestClient,
} from './testing/api-harness.ts';

const spec = {
  broker: { kind: 'sim' },
  profile: { symbols: ['BTC/USD'], assetClass: 'crypto', timeframe: '1Min' },
  runtime: { backend: 'local' },
};

// Walks every route in the OpenAPI document that takes an id: another user's id must answer
// 404 (never 403, which would confirm it exists), and nothing of theirs may change.
describe('tenant isolation', () => {
  let api: TestApi;
  let owner: TestClient;
  let intruder: TestClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startTestApi('postgres');
    owner = createTestClient(api.url);
    intruder = createTestClient(api.url);
    await owner.signup('owner@example.com');
    await intruder.signup('intruder@example.com');
    ids.bots = (
      await owner.request('POST', '/api/v1/bots', { name: 'mine', spec })
    ).body.metadata.id;
    ids.brokers = (
      await owner.request('POST', '/api/v1/brokers', {
        kind: 'alpaca',
        label: 'mine',
        keyId: 'PKOWNERKEY0001',
        secretKey: 'owner-secret-0123456789',
      })
    ).body.id;
    ids.tokens = (
      await owner.request('POST', '/api/v1/accounts/tokens', { name: 'mine' })
    ).body.apiToken.id;
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('answers 404 to another user on every route with an id', async () => {
    const doc = (await (await fetch(`${api.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security: Record<string, unknown>[] }>>;
    };
    // Every user-facing operation (session or API token) whose path takes an id.
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => path.includes('{id}') && op.security.some((s) => 'session' in s))
        .map(([method]) => ({ path, method })),
    );
    expect(routes.length).toBeGreaterThanOrEqual(11);
    for (const { path, method } of routes) {
      const resource = Object.keys(ids).find((name) => path.includes(`/${name}/{id}`));
      expect(resource, `no fixture id for ${path}`).toBeDefined();
      const url = path.replace('{id}', ids[resource!]!);
      const body =
        method === 'put' ? spec : method === 'post' || method === 'patch' ? {} : undefined;
      const response = await intruder.request(method.toUpperCase(), url, body);
      expect({ path, method, status: response.status }).toEqual({ path, method, status: 404 });
    }
    const bot = await owner.request('GET', `/api/v1/bots/${ids.bots}`);
    expect(bot.body).toMatchObject({ metadata: { generation: 1 }, spec: { suspend: false } });
    expect(bot.body.metadata.deletionTimestamp).toBeUndefined();
    expect((await owner.request('GET', '/api/v1/accounts/tokens')).body.items).toHaveLength(1);
    expect((await owner.request('GET', '/api/v1/brokers')).body.items).toHaveLength(1);
    expect((await intruder.request('GET', '/api/v1/brokers')).body.items).toEqual([]);
  });

  it('never lists another user’s bots', async () => {
    expect((await intruder.request('GET', '/api/v1/bots')).body.items).toEqual([]);
  });
});
