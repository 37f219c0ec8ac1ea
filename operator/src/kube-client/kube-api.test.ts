import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { writeCertificates } from '@hmmtrade/testkit/envtest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeApi, microTime } from './kube-api.ts';
import { KubeApiError, KubeNetworkError, isAlreadyExists, isNotFound } from './kube-errors.ts';

let server: Server;
let dir: string;
let caPem: string;
let connections = 0;
const authorizations: Array<string | undefined> = [];
const requests: Array<{ method?: string; url?: string; type?: string; body: string }> = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pooled-client-'));
  const certs = await writeCertificates(dir);
  caPem = certs.caPem;
  server = createServer(
    { cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) },
    (req, res) => {
      authorizations.push(req.headers.authorization);
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        requests.push({
          method: req.method,
          url: req.url,
          type: req.headers['content-type'],
          body,
        });
        const name = req.url?.split('?')[0]?.split('/').at(-1);
        res.setHeader('content-type', 'application/json');
        if (name === 'missing' || name === 'taken') {
          const [code, reason] = name === 'missing' ? [404, 'NotFound'] : [409, 'AlreadyExists'];
          res.statusCode = code;
          res.end(
            JSON.stringify({ kind: 'Status', code, reason, message: `pods "${name}" ${reason}` }),
          );
        } else if (name === 'proxy-text') {
          res.statusCode = 502;
          res.end('bad gateway\n');
        } else {
          res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, uid: 'u' } }));
        }
      });
    },
  );
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function kubeConfig(token: string, port = (server.address() as AddressInfo).port): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: `https://127.0.0.1:${port}`,
        caData: Buffer.from(caPem).toString('base64'),
      },
    ],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  return config;
}

describe('createKubeApi', () => {
  it('sends every call of one KubeConfig over kept-alive connections, each authenticated', async () => {
    const config = kubeConfig('secret-token');
    const first = createKubeApi(config);
    const second = createKubeApi(config);
    connections = 0;
    authorizations.length = 0;
    for (let i = 0; i < 20; i++) {
      const api = i % 2 ? first : second;
      const pod = await api.get<{ metadata: { name: string } }>(
        `/api/v1/namespaces/ns/pods/bot-${i}`,
      );
      expect(pod.metadata.name).toBe(`bot-${i}`);
    }
    // undici may open a second connection while the first still finishes reading a body.
    expect(connections).toBeLessThanOrEqual(2);
    expect(authorizations).toEqual(Array.from({ length: 20 }, () => 'Bearer secret-token'));
  });

  it('keeps one pool per KubeConfig, so another identity never rides on it', async () => {
    connections = 0;
    authorizations.length = 0;
    await createKubeApi(kubeConfig('a')).get('/api/v1/namespaces/ns/pods/x');
    await createKubeApi(kubeConfig('b')).get('/api/v1/namespaces/ns/pods/y');
    expect(connections).toBe(2);
    expect(authorizations).toEqual(['Bearer a', 'Bearer b']);
  });

  it('reads the credentials again after a second, so a rotated token is used', async () => {
    const config = kubeConfig('old-token');
    const api = createKubeApi(config);
    authorizations.length = 0;
    await api.get('/api/v1/namespaces/ns/pods/a');
    // As a token file or an exec plugin would hand out a new token.
    (config.users[0] as { token?: string }).token = 'new-token';
    await api.get('/api/v1/namespaces/ns/pods/b');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await api.get('/api/v1/namespaces/ns/pods/c');
    // Within the second the reading is reused; after it, the rotated token goes out.
    expect(authorizations).toEqual(['Bearer old-token', 'Bearer old-token', 'Bearer new-token']);
  });

  it('sends the query, the JSON body and the merge-patch content type', async () => {
    const api = createKubeApi(kubeConfig('t'));
    requests.length = 0;
    await api.get('/api/v1/namespaces/ns/pods', {
      labelSelector: 'a=b,c',
      limit: 5,
      continue: undefined,
    });
    await api.post('/api/v1/namespaces/ns/pods', { metadata: { name: 'p' } });
    await api.mergePatch('/api/v1/namespaces/ns/pods/p', { metadata: { labels: { x: null } } });
    await api.delete('/api/v1/namespaces/ns/pods/p', { gracePeriodSeconds: 0 });
    expect(requests).toEqual([
      {
        method: 'GET',
        url: '/api/v1/namespaces/ns/pods?labelSelector=a%3Db%2Cc&limit=5',
        body: '',
      },
      {
        method: 'POST',
        url: '/api/v1/namespaces/ns/pods',
        type: 'application/json',
        body: '{"metadata":{"name":"p"}}',
      },
      {
        method: 'PATCH',
        url: '/api/v1/namespaces/ns/pods/p',
        type: 'application/merge-patch+json',
        body: '{"metadata":{"labels":{"x":null}}}',
      },
      {
        method: 'DELETE',
        url: '/api/v1/namespaces/ns/pods/p',
        type: 'application/json',
        body: '{"gracePeriodSeconds":0}',
      },
    ]);
  });

  it("turns an error answer into a KubeApiError with the Status's code, reason and message", async () => {
    const api = createKubeApi(kubeConfig('t'));
    const missing = await api
      .get('/api/v1/namespaces/ns/pods/missing')
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(KubeApiError);
    expect(missing).toMatchObject({ code: 404, reason: 'NotFound' });
    expect((missing as Error).message).toBe(
      'GET /api/v1/namespaces/ns/pods/missing: pods "missing" NotFound',
    );
    expect(isNotFound(missing)).toBe(true);
    const taken = await api
      .post('/api/v1/namespaces/ns/pods/taken', {})
      .catch((error: unknown) => error);
    expect(isAlreadyExists(taken)).toBe(true);
    const conflict = new KubeApiError('PUT x', {
      code: 409,
      reason: 'Conflict',
      message: 'modified',
    });
    expect(isAlreadyExists(conflict)).toBe(false);
    const proxy = await api
      .get('/api/v1/namespaces/ns/pods/proxy-text')
      .catch((error: unknown) => error);
    expect(proxy).toMatchObject({ code: 502, reason: undefined, apiMessage: 'bad gateway' });
  });

  it('turns no answer at all into a KubeNetworkError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await createKubeApi(kubeConfig('t', port))
      .get('/api/v1/namespaces')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KubeNetworkError);
    expect((error as Error).message).toMatch(/^GET \/api\/v1\/namespaces: .*ECONNREFUSED/);
  });
});

describe('microTime', () => {
  it('writes microseconds, as Events and Leases require', () => {
    expect(microTime(new Date('2026-11-25T13:34:03.123Z'))).toBe('2026-11-25T13:34:03.123000Z');
  });
});
