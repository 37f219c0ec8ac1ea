import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  addLocalMasterKey,
  createLocalKmsProvider,
  LOCAL_CURRENT_KEY,
} from '../brokers/kms/index.ts';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '@hmmtrade/db/testing';
import {
  createLogger,
  createMetricsRegistry,
  listen,
  type ListeningServer,
} from '@hmmtrade/platform';
import { createApp, type AppDeps } from '../app.ts';
import {
  createMachineTokens,
  generateMachineSigningKey,
  type MachineTokens,
} from '../internal/machine-tokens.ts';

/** A control plane on a fresh database, served on a free port. */
export interface TestApi {
  url: string;
  testDb: TestDatabase;
  published: string[];
  /** Everything the API logged, as JSON lines (for the secret scan). */
  logLines: string[];
  machineTokens: MachineTokens;
  dispose(): Promise<void>;
}

export async function startTestApi(
  kind: DatabaseKind = 'postgres',
  overrides: Partial<AppDeps> = {},
): Promise<TestApi> {
  const testDb = await createTestDatabase(kind);
  const published: string[] = [];
  const logLines: string[] = [];
  const keyDir = mkdtempSync(join(tmpdir(), 'hmmtrade-kms-'));
  await addLocalMasterKey(keyDir);
  const brokerKms = {
    provider: await createLocalKmsProvider({ masterKeyDir: keyDir }),
    keyId: LOCAL_CURRENT_KEY,
  };
  const machineTokens = await createMachineTokens({
    signingKeys: [await generateMachineSigningKey()],
    issuer: 'hmmtrade-test',
  });
  const app = createApp({
    version: 'test',
    logger: createLogger({
      component: 'api',
      level: 'debug',
      destination: new Writable({
        write: (chunk: Buffer, _e, cb) => {
          logLines.push(chunk.toString('utf8'));
          cb();
        },
      }),
    }),
    registry: createMetricsRegistry({ defaultMetrics: false }),
    readiness: () => Promise.resolve({ ready: true }),
    db: testDb.handle.db,
    settings: {
      csrfSecret: 'test-csrf-secret',
      secureCookies: false,
      authAttemptsPerMinute: 1000,
      logStreamPollMs: 50,
    },
    botChanges: { publish: (id) => void published.push(id) },
    machineTokens,
    brokerKms,
    ...overrides,
  });
  const server: ListeningServer = await listen(app, { host: '127.0.0.1', port: 0 });
  return {
    url: server.url,
    testDb,
    published,
    logLines,
    machineTokens,
    dispose: async () => {
      await server.close();
      await testDb.dispose();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

/** Parsed JSON of a test response; tests inspect it with expectations, so it is loosely typed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonBody = any;

/** A browser-like client: keeps the session cookie and sends the CSRF token on writes. */
export interface TestClient {
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: JsonBody; headers: Headers }>;
  signup(
    email: string,
    password?: string,
  ): Promise<{ status: number; body: JsonBody; headers: Headers }>;
  bearer(token: string): TestClient;
}

export function createTestClient(baseUrl: string, auth: { bearer?: string } = {}): TestClient {
  let cookie = '';
  let csrf = '';
  const client: TestClient = {
    async request(method, path, body, headers = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(cookie ? { cookie } : {}),
          ...(csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}),
          ...(auth.bearer ? { authorization: `Bearer ${auth.bearer}` } : {}),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const setCookie = response.headers.get('set-cookie');
      if (setCookie) cookie = setCookie.split(';')[0] ?? '';
      const text = await response.text();
      const parsed: unknown =
        text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
      if (
        parsed &&
        typeof parsed === 'object' &&
        'csrfToken' in parsed &&
        typeof parsed.csrfToken === 'string'
      ) {
        csrf = parsed.csrfToken;
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    signup: (email, password = 'correct horse battery staple') =>
      client.request('POST', '/api/v1/accounts/signup', { email, password }),
    bearer: (token) => createTestClient(baseUrl, { bearer: token }),
  };
  return client;
}
