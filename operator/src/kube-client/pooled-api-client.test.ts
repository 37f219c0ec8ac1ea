import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { writeCertificates } from '@hmmtrade/testkit/envtest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePooledApiClient } from './pooled-api-client.ts';

let server: Server;
let dir: string;
let caPem: string;
let connections = 0;
const authorizations: Array<string | undefined> = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pooled-client-'));
  const certs = await writeCertificates(dir);
  caPem = certs.caPem;
  server = createServer(
    { cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) },
    (req, res) => {
      authorizations.push(req.headers.authorization);
      const name = req.url?.split('/').at(-1);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, uid: 'u' } }));
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

function kubeConfig(token: string): KubeConfig {
  const config = new KubeConfig();
  const { port } = server.address() as AddressInfo;
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

describe('makePooledApiClient', () => {
  it('sends every call of every client of one KubeConfig over kept-alive connections, each authenticated', async () => {
    const config = kubeConfig('secret-token');
    const pods = makePooledApiClient(config, CoreV1Api);
    const again = makePooledApiClient(config, CoreV1Api);
    connections = 0;
    authorizations.length = 0;
    for (let i = 0; i < 20; i++) {
      const client = i % 2 ? pods : again;
      const pod = await client.readNamespacedPod({ namespace: 'ns', name: `bot-${i}` });
      expect(pod.metadata?.name).toBe(`bot-${i}`);
    }
    // client-node's own makeApiClient opens one per call (20); undici may open a second while the
    // first still finishes reading a body, and reuses both.
    expect(connections).toBeLessThanOrEqual(2);
    expect(authorizations).toEqual(Array.from({ length: 20 }, () => 'Bearer secret-token'));
  });

  it('keeps one pool per KubeConfig, so another identity never rides on it', async () => {
    connections = 0;
    authorizations.length = 0;
    await makePooledApiClient(kubeConfig('a'), CoreV1Api).readNamespacedPod({
      namespace: 'ns',
      name: 'x',
    });
    await makePooledApiClient(kubeConfig('b'), CoreV1Api).readNamespacedPod({
      namespace: 'ns',
      name: 'y',
    });
    expect(connections).toBe(2);
    expect(authorizations).toEqual(['Bearer a', 'Bearer b']);
  });
});
