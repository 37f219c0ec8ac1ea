import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, type RunningCli } from './testing/run-cli.ts';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hmmtrade-cli-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('hmmtrade', () => {
  it('runs on the pinned Node 24, not the system Node', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(24);
  });

  it('lists its subcommands in --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}up \[options\] +run everything on this machine/m);
    expect(result.stdout).toMatch(/^ {2}migrate \[options\]/m);
  });

  it('rejects an unknown subcommand with usage exit code 2', async () => {
    const result = await runCli(['launch']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'launch'");
  });
});

describe('hmmtrade up', () => {
  const running: RunningCli[] = [];
  afterEach(async () => {
    for (const cli of running.splice(0)) await cli.stop('SIGKILL');
  });

  function up(dataDir: string, env: Record<string, string> = {}): RunningCli {
    const cli = startCli(['up', '--port', '0', '--data-dir', dataDir], env);
    running.push(cli);
    return cli;
  }

  it('serves health, keeps its data across restarts, and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
    const first = up(dataDir);
    const [, url] = await first.waitFor(/is up at (http:\/\/\S+)/);
    const [, databaseUrl] = await first.waitFor(/embedded PGlite at (postgres:\/\/\S+)/);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`INSERT INTO users (email, password_hash) VALUES ('kept@example.com', 'h')`);
    await client.end();

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.stdout()).toMatch(/stopped\n$/);
    expect(existsSync(join(dataDir, 'hmmtrade.lock'))).toBe(false);

    const second = up(dataDir);
    const [, secondDatabaseUrl] = await second.waitFor(/embedded PGlite at (postgres:\/\/\S+)/);
    await second.waitFor(/migrations: up to date/);
    const again = new pg.Client({ connectionString: secondDatabaseUrl });
    await again.connect();
    const { rows } = await again.query<{ email: string }>('SELECT email FROM users');
    await again.end();
    expect(rows).toEqual([{ email: 'kept@example.com' }]);
    expect(await second.stop('SIGINT')).toBe(0);
  });

  describe('bad configuration gives one line and a non-zero exit', () => {
    let blocker: Server | undefined;
    afterEach(() => blocker?.close());

    async function expectOneLineError(
      args: string[],
      env: Record<string, string>,
      pattern: RegExp,
      code: number,
    ) {
      const result = await runCli(args, env);
      expect(result.code).toBe(code);
      expect(result.stderr).toMatch(pattern);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }

    it('malformed DATABASE_URL', async () => {
      await expectOneLineError(
        ['up', '--data-dir', tempDir()],
        { DATABASE_URL: 'mysql://root:topsecret@db/app' },
        /^hmmtrade: invalid configuration: DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL with a host\n$/,
        2,
      );
    });

    it('unreachable DATABASE_URL, without its password', async () => {
      const result = await runCli(['migrate'], {
        DATABASE_URL: 'postgres://u:topsecret@127.0.0.1:1/app',
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^hmmtrade: cannot connect to the database at 127\.0\.0\.1:1\/app: .*ECONNREFUSED/,
      );
      expect(result.stderr).not.toContain('topsecret');
    });

    it('port already in use', async () => {
      blocker = createServer();
      const port = await new Promise<number>((resolve) =>
        blocker!.listen(0, '127.0.0.1', () =>
          resolve((blocker!.address() as { port: number }).port),
        ),
      );
      await expectOneLineError(
        ['up', '--port', String(port), '--data-dir', tempDir()],
        {},
        new RegExp(`^hmmtrade: port ${port} on 127\\.0\\.0\\.1 is already in use`),
        1,
      );
    });

    it('unwritable data directory', async () => {
      const file = join(tempDir(), 'not-a-dir');
      writeFileSync(file, '');
      await expectOneLineError(
        ['up', '--data-dir', join(file, 'data')],
        {},
        /^hmmtrade: data directory .*not-a-dir\/data is not writable: ENOTDIR/,
        1,
      );
    });

    it('a data directory already served by another hmmtrade', async () => {
      const dataDir = tempDir();
      await up(dataDir).waitFor(/is up at/);
      await expectOneLineError(
        ['up', '--port', '0', '--data-dir', dataDir],
        {},
        /^hmmtrade: data directory .* is in use by another hmmtrade process \(pid \d+\)\n$/,
        1,
      );
    });
  });
});

describe('hmmtrade migrate', () => {
  it('migrates the embedded database and then reports it up to date', async () => {
    const dataDir = tempDir();
    const first = await runCli(['migrate', '--data-dir', dataDir]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^applied 2 migration\(s\) to 127\.0\.0\.1:\d+\/postgres: 0001-initial, 0002-operator-leases\n$/,
    );
    const second = await runCli(['migrate', '--data-dir', dataDir]);
    expect(second.stdout).toMatch(/is up to date\n$/);
  });
});
