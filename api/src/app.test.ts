import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, startTestApi, type TestApi } from './testing/api-harness.ts';

describe('createApp', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('postgres');
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('answers health, version and Prometheus metrics', async () => {
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${api.url}/version`)).json()).toEqual({ version: 'test' });
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${api.url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('answers unknown routes and malformed JSON with the error envelope', async () => {
    const missing = await fetch(`${api.url}/api/v1/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'not_found', message: 'no route for GET /api/v1/nope' },
    });
    const malformed = await fetch(`${api.url}/api/v1/accounts/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"broken"',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'bad_request' } });
    const nul = await fetch(`${api.url}/api/v1/accounts/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a\u0000@example.com', password: 'x' }),
    });
    expect(nul.status).toBe(400);
    expect(((await nul.json()) as { error: { message: string } }).error.message).toBe(
      'request body is not valid JSON: strings may not contain NUL characters or unpaired surrogates',
    );
    const huge = await fetch(`${api.url}/api/v1/accounts/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x'.repeat(2_000_000) }),
    });
    expect(huge.status).toBe(413);
  });

  it('serves an OpenAPI 3.1 document generated from the route contracts', async () => {
    const doc = (await (await fetch(`${api.url}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<string, { schema: { properties: Record<string, unknown> } }>;
            };
          }
        >
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/accounts/signup', '/api/v1/bots', '/api/v1/bots/{id}']),
    );
    const createBot =
      doc.paths['/api/v1/bots']?.post?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(createBot?.properties ?? {})).toEqual(['name', 'spec']);
  });

  it('validates the reference readiness failure path', async () => {
    const failing = await startTestApi('pglite', {
      readiness: () => Promise.resolve({ ready: false, reason: 'database: ECONNREFUSED' }),
    });
    try {
      const notReady = await fetch(`${failing.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({
        status: 'not ready',
        reason: 'database: ECONNREFUSED',
      });
      const client = createTestClient(failing.url);
      expect((await client.signup('pglite@example.com')).status).toBe(201);
    } finally {
      await failing.dispose();
    }
  });
});
