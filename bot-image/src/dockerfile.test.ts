import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCKERFILE = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');

function run(
  argv: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

// No Docker engine here: instead, the image's ENTRYPOINT is run as written and shown to be the
// same code path as `hmmtrade bot` (both call botMain), answering identically.
describe('bot image Dockerfile', () => {
  const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(DOCKERFILE)![1]!) as string[];

  it('is multi-stage, runs as a non-root user, and has the supervisor as its entrypoint', () => {
    expect(DOCKERFILE.match(/^FROM /gm)).toHaveLength(2);
    expect(DOCKERFILE).toMatch(/^USER 10001:10001$/m);
    expect(entrypoint).toEqual(['node', 'bot-image/bin/hmmtrade-bot.js']);
    expect(readFileSync(new URL('../bin/hmmtrade-bot.js', import.meta.url), 'utf8')).toMatch(
      /botMain\(\)/,
    );
    expect(readFileSync(new URL('../../cli/src/main.ts', import.meta.url), 'utf8')).toMatch(
      /setExitCode\(await botMain\(\)\)/,
    );
  });

  it('answers exactly like `hmmtrade bot`', async () => {
    const env = { PATH: '/usr/bin:/bin', HMMTRADE_API_URL: 'http://127.0.0.1:1', BOT_ID: 'b-1' };
    const image = await run(entrypoint.slice(1), env);
    const cli = await run(['cli/bin/hmmtrade.js', 'bot'], env);
    expect(image.code).toBe(2);
    expect(image.stderr).toMatch(/HMMTRADE_MACHINE_TOKEN/);
    expect(cli).toEqual(image);
  });
});
