import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import {
  createLogger,
  createMetricsRegistry,
  listen,
  type ListeningServer,
} from '@hmmtrade/platform';
import { createApp } from './app.ts';

describe('createApp skeleton', () => {
  let server: ListeningServer;
  let ready = true;

  beforeAll(async () => {
    const app = createApp({
      version: '1.2.3',
      logger: createLogger({
        component: 'api',
        destination: new Writable({ write: (_c, _e, cb) => cb() }),
      }),
      registry: createMetricsRegistry(),
      readiness: () =>
        Promise.resolve(
          ready ? { ready: true } : { ready: false, reason: 'database: ECONNREFUSED' },
        ),
    });
    server = await listen(app, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers health, version and Prometheus metrics', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    expect(await (await fetch(`${server.url}/version`)).json()).toEqual({ version: '1.2.3' });

    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await metrics.text()).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('reports readiness with the reason when a dependency is down', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    ready = false;
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      status: 'not ready',
      reason: 'database: ECONNREFUSED',
    });
    ready = true;
  });

  it('answers unknown routes and malformed JSON with the error envelope', async () => {
    const missing = await fetch(`${server.url}/api/v1/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'not_found', message: 'no route for GET /api/v1/nope' },
    });

    const malformed = await fetch(`${server.url}/api/v1/nope`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"broken"',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'bad_request' } });
  });
});
