import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlPlaneError, createControlPlaneClient } from './control-plane.client.ts';
import { stubProfile } from './testing/api-stub.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A client of a local server answering with `handler`. */
async function clientOf(handler: Handler, timeoutMs = 2_000) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  const apiUrl = `http://127.0.0.1:${port}/`;
  return createControlPlaneClient({ apiUrl, botId: 'b-1', machineToken: 'jwt', timeoutMs });
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected a ControlPlaneError'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(ControlPlaneError);
      const { reason, status, retriable, retryAfterMs } = error as ControlPlaneError;
      return { reason, status, retriable, retryAfterMs };
    },
  );

describe('createControlPlaneClient', () => {
  it('posts JSON with the machine token and reads JSON answers', async () => {
    const seen: string[] = [];
    const client = await clientOf((req, body, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization} ${body}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.method === 'GET' ? stubProfile() : { accepted: 1 }));
    });
    expect((await client.fetchProfile()).generation).toBe(7);
    const line = { seq: 0, ts: '2026-11-25T12:00:00.000Z', stream: 'stdout' as const, line: 'é' };
    await client.postLogs('boot-1', [line]);
    expect(seen).toEqual([
      'GET /api/v1/internal/bots/b-1 Bearer jwt ',
      `POST /api/v1/internal/bots/b-1/logs Bearer jwt ${JSON.stringify({ bootId: 'boot-1', lines: [line] })}`,
    ]);
  });

  it('classifies refusals: 5xx and Retry-After retriable, 4xx not, error bodies as reasons', async () => {
    const client = await clientOf((req, _body, res) => {
      if (req.url?.endsWith('/logs')) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' });
      res.end(JSON.stringify({ error: { code: 'unavailable', message: 'KMS unavailable' } }));
    });
    expect(await failure(client.fetchBrokerToken())).toEqual({
      reason: '503 KMS unavailable',
      status: 503,
      retriable: true,
      retryAfterMs: 2_000,
    });
    expect(await failure(client.postLogs('boot-1', []))).toEqual({
      reason: '404 Not Found',
      status: 404,
      retriable: false,
      retryAfterMs: undefined,
    });
  });

  it('refuses an answer that does not match the protocol, naming the field', async () => {
    const client = await clientOf((_req, _body, res) => {
      const profile = stubProfile();
      res.writeHead(200).end(JSON.stringify({ ...profile, generation: 'seven' }));
    });
    expect(await failure(client.fetchProfile())).toEqual({
      reason:
        'unexpected answer to GET /api/v1/internal/bots/b-1 (generation: Invalid input: expected number, received string)',
      status: 200,
      retriable: false,
      retryAfterMs: undefined,
    });
  });

  it('gives up on a silent control plane after the timeout, retriably', async () => {
    const client = await clientOf(() => undefined, 50);
    expect(await failure(client.fetchProfile())).toEqual({
      reason: 'no answer within 50 ms',
      status: undefined,
      retriable: true,
      retryAfterMs: undefined,
    });
  });
});
