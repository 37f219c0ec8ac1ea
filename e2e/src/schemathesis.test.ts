import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '@hmmtrade/cli/testing';
import { createTestDatabase, type TestDatabase } from '@hmmtrade/db/testing';
import { schemathesisBin } from './config.ts';

// Property-based fuzzing of every operation in /api/openapi.json: no input may make the API
// answer with a server error. Excluded: the SSE stream (never ends), logout (ends the session
// the run uses) and broker verify (calls Alpaca, unreachable here: its 503 is documented).
describe('schemathesis against the OpenAPI document', () => {
  let testDb: TestDatabase;
  let dataDir: string;
  let up: RunningCli;
  let url: string;

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    dataDir = mkdtempSync(join(tmpdir(), 'hmmtrade-st-'));
    up = startCli(['up', '--port', '0', '--runtime', 'fake'], {
      DATABASE_URL: testDb.handle.connectionString,
      HMMTRADE_DATA_DIR: dataDir,
    });
    [, url] = (await up.waitFor(/is up at (\S+)/)) as [string, string];
  });
  afterAll(async () => {
    await up?.stop('SIGTERM');
    await testDb?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds no server error', async () => {
    expect(
      existsSync(schemathesisBin),
      `schemathesis missing at ${schemathesisBin}: run bash e2e/scripts/ensure-schemathesis.sh`,
    ).toBe(true);
    const signup = await fetch(`${url}/api/v1/accounts/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'fuzz@example.com', password: 'correct horse battery staple' }),
    });
    const { csrfToken } = (await signup.json()) as { csrfToken: string };
    const cookie = signup.headers.get('set-cookie')!.split(';')[0]!;
    const created = await fetch(`${url}/api/v1/accounts/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ name: 'schemathesis' }),
    });
    const { token } = (await created.json()) as { token: string };

    const result = await run(schemathesisBin, [
      'run',
      `${url}/api/openapi.json`,
      '--checks',
      'not_a_server_error',
      '--header',
      `Authorization: Bearer ${token}`,
      '--max-examples',
      '25',
      '--exclude-path-regex',
      'stream|logout|verify',
      '--request-timeout',
      '10',
      '--generation-deterministic',
    ]);
    expect(result.code, result.output.slice(-4000)).toBe(0);
    expect(result.output).toMatch(/No issues found|passed/);
  }, 300_000);
});

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // schemathesis caches in its working directory: keep that out of the repository.
    const child = spawn(command, args, { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}
