import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles, bundledEntrypoint } from '../scripts/bundles.ts';
import {
  STUB_BOT_ID,
  STUB_MACHINE_TOKEN,
  startApiStub,
  stubProfile,
  type ApiStub,
} from './supervisor/testing/api-stub.ts';
import { chattyTrader, fixtureCommand } from './supervisor/testing/fixture-traders.ts';
import { REPO_ROOT, runProgram } from './testing/run-program.ts';

const DOCKERFILE = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const HMMTRADE = join(REPO_ROOT, 'cli/bin/hmmtrade.js');

// No Docker engine here: instead, the image's ENTRYPOINT is run as the image runs it (the bundle
// the Dockerfile builds, with its Node flags) and shown to be the same code path as
// `hmmtrade bot` (both run botMain), behaving identically.
describe('bot image Dockerfile', () => {
  let bundleDir: string;
  let metafile: Metafile;
  let stub: ApiStub;
  const dirs: string[] = [];
  const tempDir = async (prefix: string) => {
    dirs.push(await mkdtemp(join(tmpdir(), prefix)));
    return dirs.at(-1)!;
  };
  const image = (env: Record<string, string>, stopWhen?: RegExp) => {
    const entrypoint = bundledEntrypoint(bundleDir);
    return runProgram(entrypoint.command, entrypoint.args, env, stopWhen);
  };
  const hmmtradeBot = (env: Record<string, string>) =>
    runProgram(process.execPath, [HMMTRADE, 'bot'], env);

  beforeAll(async () => {
    bundleDir = await tempDir('hmmtrade-bot-bundle-');
    metafile = await buildBundles(bundleDir);
    stub = await startApiStub();
  });
  afterAll(async () => {
    await stub.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('is multi-stage, bundles the programs, runs as a non-root user, starts the supervisor', () => {
    expect(DOCKERFILE.match(/^FROM /gm)).toHaveLength(2);
    expect(DOCKERFILE).toMatch(/^RUN node bot-image\/scripts\/build-bundles\.ts \/app\/bundle$/m);
    expect(DOCKERFILE).toMatch(/^COPY --from=build \/app\/bundle bot-image\/$/m);
    expect(DOCKERFILE).toMatch(/^USER 10001:10001$/m);
    expect(DOCKERFILE).toMatch(
      /^ENTRYPOINT \["node", (".*", )*"bot-image\/bin\/hmmtrade-bot\.js"\]$/m,
    );
  });

  it('bundles bin/hmmtrade-bot.js, which runs botMain like `hmmtrade bot`, and no trader', () => {
    const bin = readFileSync(new URL('../bin/hmmtrade-bot.js', import.meta.url), 'utf8');
    expect(bin).toMatch(/process\.exitCode = await botMain\(\);/);
    expect(readFileSync(join(REPO_ROOT, 'cli/src/main.ts'), 'utf8')).toMatch(
      /setExitCode\(await \(await import\('@hmmtrade\/bot-image'\)\)\.botMain\(\)\)/,
    );
    const [supervisor] = Object.values(metafile.outputs).filter(
      (output) => output.entryPoint === 'bot-image/bin/hmmtrade-bot.js',
    );
    const inputs = Object.keys(supervisor!.inputs);
    expect(inputs).toContain('bot-image/src/bot-main.ts');
    // What the supervisor must not carry (bench/README.md, Supervisor RSS).
    const heavy = /bot-image\/src\/trader\/|\/(yaml|pino|express|prom-client)\/|zod\/v4\/classic/;
    expect(inputs.filter((input) => heavy.test(input))).toEqual([]);
  });

  it('answers a bad configuration exactly like `hmmtrade bot`', async () => {
    const env = { PATH: '/usr/bin:/bin', HMMTRADE_API_URL: 'http://127.0.0.1:1', BOT_ID: 'b-1' };
    const fromImage = await image(env);
    expect(fromImage.code).toBe(2);
    expect(fromImage.stderr.join('\n')).toMatch(/HMMTRADE_MACHINE_TOKEN/);
    expect(await hmmtradeBot(env)).toEqual(fromImage);
  });

  it('runs a bot exactly like `hmmtrade bot`', async () => {
    const runBot = async (run: typeof image) => {
      const workDir = await tempDir('hmmtrade-bot-work-');
      const result = await run({
        PATH: '/usr/bin:/bin',
        BOT_ID: STUB_BOT_ID,
        HMMTRADE_API_URL: stub.url,
        HMMTRADE_MACHINE_TOKEN: STUB_MACHINE_TOKEN,
        BOT_WORK_DIR: workDir,
        TRADER_COMMAND: fixtureCommand(chattyTrader),
        FIXTURE_EXIT_CODE: '3',
      });
      return {
        ...result,
        stdout: result.stdout.map(anonymize),
        stderr: result.stderr.map(anonymize),
      };
    };
    const fromImage = await runBot(image);
    expect(fromImage.code).toBe(3);
    expect(fromImage.stdout).toContain('supervisor: the trader exited with code 3');
    expect(await runBot(hmmtradeBot)).toEqual(fromImage);
    const [imageTrail, cliTrail] = auditTrails(stub);
    expect(imageTrail?.length).toBeGreaterThan(5);
    expect(cliTrail).toEqual(imageTrail);
  });

  it('runs the bundled reference trader when TRADER_COMMAND is unset', async () => {
    stub.profile = () => ({ status: 200, body: stubProfile({ kind: 'sim' }) });
    const expiresAt = new Date(Date.now() + 15 * 60_000).toISOString();
    stub.token = () => ({
      status: 200,
      body: { kind: 'sim', environment: 'paper', token: 'sim-token', expiresAt },
    });
    const workDir = await tempDir('hmmtrade-bot-work-');
    const run = await image(
      {
        PATH: '/usr/bin:/bin',
        BOT_ID: STUB_BOT_ID,
        HMMTRADE_API_URL: stub.url,
        HMMTRADE_MACHINE_TOKEN: STUB_MACHINE_TOKEN,
        BOT_WORK_DIR: workDir,
      },
      /"phase":"trading_started"/,
    );
    const trader = join(bundleDir, 'bin', 'hmmtrade-trader.js');
    const instanceFile = join(workDir, 'config', 'instances', `${STUB_BOT_ID}.yaml`);
    expect(run.stdout).toContainEqual(
      expect.stringContaining(`): ${process.execPath} ${trader} run --config ${instanceFile}`),
    );
    expect(run.stdout.at(-1)).toBe('supervisor: the trader exited with code 0');
    expect(run.code).toBe(0);
  });
});

/** The log lines the stub received, per boot in order of arrival, anonymized. */
function auditTrails(stub: ApiStub): string[][] {
  const boots = new Map<string, string[]>();
  for (const { bootId, items } of stub.logCalls) {
    const trail = boots.get(bootId) ?? [];
    trail.push(...items.map((item) => anonymize(`${item.stream}: ${item.line}`)));
    boots.set(bootId, trail);
  }
  return [...boots.values()];
}

/** A line with what differs between two runs (work dir, boot id, pid) replaced by names. */
function anonymize(line: string): string {
  return line
    .replace(/\/[^\s"]*hmmtrade-bot-work-[^/\s"]+/g, '<work>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/pid \d+/g, 'pid <n>');
}
