import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTraderEvent } from '../supervisor/trader-events.ts';
import { startAlpacaStub, type AlpacaStub } from './broker/testing/alpaca-stub.ts';
import type { Sleep } from './clock.ts';
import { traderMain, type TraderIo } from './trader-cli.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trader-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(extra: Partial<TraderIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: TraderIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    signal: new AbortController().signal,
    env: {},
    ...extra,
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

/** A fake clock and a sleep that only moves it. */
function fakeTime(start: number) {
  const clock = { t: start, now: () => clock.t };
  const sleep: Sleep = (ms) => {
    clock.t += ms;
    return Promise.resolve();
  };
  return { clock, sleep };
}

const instanceYaml = (broker: string, extra = '') => `# as the supervisor writes it
bot:
  id: "bot-1"
mode: "paper"
broker:
  kind: "${broker}"
profile:
  symbols:
    - "SPY"
  assetClass: "stocks"
  timeframe: "1Min"
  tickIntervalSeconds: 60
  hmm:
    lookbackBars: 100
${extra}`;

describe('traderMain backtest', () => {
  it('prints the metrics and writes the SVG chart', async () => {
    const out = join(dir, 'chart.svg');
    const { io, out: stdout } = capture();
    const code = await traderMain(
      ['backtest', '--data', 'sim', '--out', out, '--bars', '900', '--seed', '2'],
      io,
    );
    expect(code).toBe(0);
    expect(stdout()).toMatch(/total return\s+-?\d+\.\d+%/);
    expect(stdout()).toContain(`chart            ${out}`);
    expect(await readFile(out, 'utf8')).toContain('<path class="equity"');
  });

  it('backtests a CSV and names the bad line and column', async () => {
    const csv = join(dir, 'spy.csv');
    await writeFile(csv, 'timestamp,open,high,low,close,volume\n1,1,2,1,oops,5\n');
    const { io, err } = capture();
    expect(await traderMain(['backtest', '--data', csv], io)).toBe(2);
    expect(err()).toContain(`${csv}:2: column close: 'oops' is not a number`);
  });

  it.each([
    { args: [], code: 2, message: 'usage: hmmtrade trader' },
    { args: ['dance'], code: 2, message: "unknown command 'dance'" },
    { args: ['backtest'], code: 2, message: 'backtest needs --data' },
    {
      args: ['backtest', '--data', 'sim', '--bars', 'x'],
      code: 2,
      message: '--bars must be an integer',
    },
    { args: ['run'], code: 2, message: 'run needs --config' },
    {
      args: ['run', '--config', '/nonexistent.yaml'],
      code: 2,
      message: 'cannot read the instance file',
    },
  ])('exits $code on $args', async ({ args, code, message }) => {
    const { io, out, err } = capture();
    expect(await traderMain(args, io)).toBe(code);
    expect(out() + err()).toContain(message);
  });
});

describe('traderMain run', () => {
  it('refuses an invalid profile, naming the field', async () => {
    const config = join(dir, 'bot.yaml');
    await writeFile(config, instanceYaml('sim').replace('lookbackBars: 100', 'lookbackBars: 10'));
    const { io, err } = capture();
    expect(await traderMain(['run', '--config', config], io)).toBe(2);
    expect(err()).toContain(`${config}: profile.hmm.lookbackBars:`);
  });

  it('runs a sim instance for a few ticks and prints JSON events', async () => {
    const config = join(dir, 'bot.yaml');
    await writeFile(config, instanceYaml('sim'));
    const { clock, sleep } = fakeTime(Date.parse('2026-03-02T15:00:00Z'));
    const { io, out } = capture({ clock, sleep });
    expect(await traderMain(['run', '--config', config, '--max-ticks', '5'], io)).toBe(0);
    const events = out()
      .trimEnd()
      .split('\n')
      .map((line) => parseTraderEvent(line));
    expect(events.every((e) => e !== undefined)).toBe(true);
    expect(events.at(-1)).toMatchObject({
      payload: { phase: 'trading_stopped', reason: 'maxTicks' },
    });
  });

  describe('with the alpaca broker', () => {
    let stub: AlpacaStub;
    beforeEach(async () => {
      stub = await startAlpacaStub();
    });
    afterEach(async () => {
      await stub.close();
    });

    it('reads keys from the supervisor’s .env and talks to the configured URLs', async () => {
      const work = join(dir, 'work');
      await mkdir(join(work, 'config', 'instances'), { recursive: true });
      const config = join(work, 'config', 'instances', 'bot-1.yaml');
      await writeFile(config, instanceYaml('alpaca'));
      await writeFile(
        join(work, '.env'),
        'APCA_API_KEY_ID=from-dotenv\nAPCA_API_SECRET_KEY="s3cret"\n',
      );
      stub.route('GET /v2/account', () => ({ body: { cash: '1000', equity: '1000' } }));
      stub.route('GET /v2/positions', () => ({ body: [] }));
      stub.route('GET /v2/stocks/SPY/bars', () => ({
        body: { bars: [], symbol: 'SPY', next_page_token: null },
      }));
      const { clock, sleep } = fakeTime(Date.parse('2026-03-02T15:00:00Z'));
      const { io, out } = capture({
        clock,
        sleep,
        env: { APCA_API_BASE_URL: stub.url, APCA_API_DATA_URL: stub.url },
      });
      expect(await traderMain(['run', '--config', config, '--max-ticks', '1'], io)).toBe(0);
      expect(stub.requests.map((r) => r.path)).toEqual(['/v2/stocks/SPY/bars', '/v2/account']);
      expect(stub.requests[0]!.headers['apca-api-key-id']).toBe('from-dotenv');
      expect(stub.requests[0]!.headers['apca-api-secret-key']).toBe('s3cret');
      expect(out()).toContain('"event":"heartbeat"');
      expect(out()).not.toContain('s3cret');
    });
  });
});
