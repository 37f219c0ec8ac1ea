import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalRuntime } from '@hmmtrade/operator';
import { eventually } from '@hmmtrade/operator/testing';
import { runCli, startCli } from './testing/run-cli.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'hmmtrade-up-op-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const spec = (suspend: boolean) =>
  JSON.stringify({
    suspend,
    broker: { kind: 'sim' },
    profile: { symbols: ['BTC/USD'], assetClass: 'crypto', timeframe: '1Min' },
    runtime: { backend: 'local' },
  });

describe('hmmtrade up runs the operator with the local runtime', () => {
  it('starts a bot as a process, stops it on suspend, and removes it on delete', async () => {
    const up = startCli(['up', '--port', '0', '--data-dir', dataDir], {
      OPERATOR_RESYNC_SECONDS: '1',
    });
    try {
      const [, databaseUrl] = await up.waitFor(/embedded PGlite at (postgres:\/\/\S+)/);
      await up.waitFor(/operator: local runtime/);
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      const status = async (id: string) =>
        (
          await client.query<{ status: { phase?: string; runtime?: { instanceId?: string } } }>(
            'SELECT status FROM bots WHERE id = $1',
            [id],
          )
        ).rows[0]?.status;
      try {
        const user = await client.query<{ id: string }>(
          `INSERT INTO users (email, password_hash) VALUES ('op@example.com', 'h') RETURNING id`,
        );
        const bot = await client.query<{ id: string }>(
          `INSERT INTO bots (owner_id, name, source, spec) VALUES ($1, 'demo', 'api', $2) RETURNING id`,
          [user.rows[0]!.id, spec(false)],
        );
        const botId = bot.rows[0]!.id;
        await eventually(async () => expect((await status(botId))?.phase).toBe('Running'), {
          timeoutMs: 20_000,
          intervalMs: 200,
        });

        const logFile = join(dataDir, 'runtime', 'local');
        await eventually(
          () => {
            const logs = readFileSync(findLog(logFile, botId), 'utf8');
            expect(logs).toContain(`supervisor: starting bot ${botId}`);
            expect(logs).toMatch(/supervisor: trader started/);
          },
          { timeoutMs: 10_000, intervalMs: 200 },
        );

        await client.query('UPDATE bots SET spec = $2 WHERE id = $1', [botId, spec(true)]);
        await eventually(async () => expect((await status(botId))?.phase).toBe('Stopped'), {
          timeoutMs: 20_000,
          intervalMs: 200,
        });
        expect(readFileSync(findLog(logFile, botId), 'utf8')).toContain(
          'supervisor: SIGTERM received, forwarded to the trader',
        );

        await client.query('UPDATE bots SET deleted_at = now() WHERE id = $1', [botId]);
        await eventually(
          async () =>
            expect((await client.query('SELECT 1 FROM bots WHERE id = $1', [botId])).rowCount).toBe(
              0,
            ),
          { timeoutMs: 20_000, intervalMs: 200 },
        );
      } finally {
        await client.end();
      }
      expect(await up.stop('SIGTERM')).toBe(0);
    } finally {
      await up.stop('SIGKILL');
    }
  });
});

describe('hmmtrade bot and trader', () => {
  it('bot needs its bot id and machine token, and names them', async () => {
    const result = await runCli(['bot'], { HMMTRADE_API_URL: 'http://127.0.0.1:1' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^hmmtrade: invalid configuration: .*BOT_ID/);
    expect(result.stderr).toMatch(/HMMTRADE_MACHINE_TOKEN/);
  });

  it('trader prints its usage and refuses an unknown command', async () => {
    const help = await runCli(['trader', 'help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: hmmtrade trader <command>/);
    const unknown = await runCli(['trader', 'fly-to-the-moon']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'fly-to-the-moon'/);
  });
});

function findLog(stateDir: string, botId: string): string {
  return createLocalRuntime({ stateDir, command: ['true'] }).logFile(botId);
}
