import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '@hmmtrade/cli/testing';
import { createTestDatabase, type TestDatabase } from '@hmmtrade/db/testing';
import { eventually } from '@hmmtrade/operator/testing';

// The hosted path on one machine: the API takes a bot, the operator drives the Fly Machines API
// (fly-sim, in process), and the machine really runs the bot process.
describe('hmmtrade up --runtime fly-sim', () => {
  let testDb: TestDatabase;
  let dataDir: string;
  let up: RunningCli;
  let url: string;
  const headers: Record<string, string> = { 'content-type': 'application/json' };

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    dataDir = mkdtempSync(join(tmpdir(), 'hmmtrade-flysim-'));
    up = startCli(['up', '--port', '0', '--runtime', 'fly-sim'], {
      DATABASE_URL: testDb.handle.connectionString,
      HMMTRADE_DATA_DIR: dataDir,
      OPERATOR_RESYNC_SECONDS: '2',
    });
    [, url] = (await up.waitFor(/is up at (\S+)/)) as [string, string];
    const signup = await fetch(`${url}/api/v1/accounts/signup`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ email: 'fly@example.com', password: 'correct horse battery staple' }),
    });
    headers.cookie = signup.headers.get('set-cookie')!.split(';')[0]!;
    headers['x-csrf-token'] = ((await signup.json()) as { csrfToken: string }).csrfToken;
  });
  afterAll(async () => {
    await up?.stop('SIGTERM');
    await testDb?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- inspected by expectations
    return { status: response.status, body: (await response.json()) as any };
  };

  it('runs a bot on a Fly machine, stops it on suspend and removes it on delete', async () => {
    const created = await api('POST', '/api/v1/bots', {
      name: 'on-fly',
      spec: {
        broker: { kind: 'sim' },
        profile: { symbols: ['BTC/USD'], assetClass: 'crypto', timeframe: '1Min' },
        runtime: { backend: 'fly' },
      },
    });
    expect(created.status).toBe(201);
    const id: string = created.body.metadata.id;

    const running = await eventually(
      async () => {
        const bot = (await api('GET', `/api/v1/bots/${id}`)).body;
        expect(bot.status.phase).toBe('Running');
        return bot;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(running.status.runtime).toMatchObject({
      backend: 'fly',
      state: 'running',
      instanceId: expect.any(String),
    });
    expect(
      running.status.conditions.find((c: { type: string }) => c.type === 'BackendAvailable').status,
    ).toBe('True');

    expect((await api('POST', `/api/v1/bots/${id}/stop`)).status).toBe(200);
    await eventually(
      async () =>
        expect((await api('GET', `/api/v1/bots/${id}`)).body.status.phase).toBe('Stopped'),
      { timeoutMs: 30_000, intervalMs: 250 },
    );

    expect((await api('DELETE', `/api/v1/bots/${id}`)).status).toBe(202);
    await eventually(
      async () => expect((await api('GET', `/api/v1/bots/${id}`)).status).toBe(404),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  }, 120_000);
});
