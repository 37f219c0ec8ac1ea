import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hmmtrade/platform';
import { loadSupervisorConfig } from './config.ts';

const base = {
  BOT_ID: 'bot-1',
  HMMTRADE_API_URL: 'http://127.0.0.1:8080/',
  HMMTRADE_MACHINE_TOKEN: 'jwt-secret-value',
  PATH: '/usr/bin',
};

describe('loadSupervisorConfig', () => {
  it('applies the defaults', () => {
    const config = loadSupervisorConfig(base);
    const workDir = join(tmpdir(), 'hmmtrade-bot', 'bot-1');
    expect(config).toMatchObject({
      botId: 'bot-1',
      apiUrl: 'http://127.0.0.1:8080',
      workDir,
      spoolDir: join(workDir, 'spool'),
      stopTimeoutSeconds: 30,
      heartbeatSeconds: 30,
      traderReloadSignal: undefined,
    });
    expect(config.traderCommand).toEqual([
      process.execPath,
      expect.stringMatching(/\/bot-image\/bin\/hmmtrade-trader\.js$/),
      'run',
      '--config',
      join(workDir, 'config', 'instances', 'bot-1.yaml'),
    ]);
  });

  it('keeps the machine token out of the trader environment', () => {
    const config = loadSupervisorConfig(base);
    expect(config.machineToken).toBe('jwt-secret-value');
    expect(config.traderBaseEnv).toEqual({
      BOT_ID: 'bot-1',
      HMMTRADE_API_URL: 'http://127.0.0.1:8080/',
      PATH: '/usr/bin',
    });
  });

  it('takes TRADER_COMMAND as a JSON array or as words', () => {
    expect(
      loadSupervisorConfig({ ...base, TRADER_COMMAND: '["python", "main.py", "paper trading"]' })
        .traderCommand,
    ).toEqual(['python', 'main.py', 'paper trading']);
    expect(
      loadSupervisorConfig({ ...base, TRADER_COMMAND: '  python  main.py paper ' }).traderCommand,
    ).toEqual(['python', 'main.py', 'paper']);
  });

  it('resolves the spool under the work dir and reads durations and the reload signal', () => {
    const config = loadSupervisorConfig({
      ...base,
      BOT_WORK_DIR: '/srv/bot',
      SPOOL_DIR: 'audit',
      STOP_TIMEOUT_SECONDS: '12',
      HEARTBEAT_SECONDS: '0.5',
      TRADER_RELOAD_SIGNAL: 'SIGHUP',
    });
    expect(config).toMatchObject({
      workDir: '/srv/bot',
      spoolDir: '/srv/bot/audit',
      stopTimeoutSeconds: 12,
      heartbeatSeconds: 0.5,
      traderReloadSignal: 'SIGHUP',
    });
  });

  it.each([
    [{ BOT_ID: undefined }, /BOT_ID: is required/],
    [{ BOT_ID: '../etc' }, /BOT_ID: must be letters/],
    [{ HMMTRADE_API_URL: 'ftp://x' }, /HMMTRADE_API_URL: must be an http\(s\) URL/],
    [{ HMMTRADE_MACHINE_TOKEN: '' }, /HMMTRADE_MACHINE_TOKEN: is required/],
    [{ TRADER_COMMAND: '["python", 3]' }, /TRADER_COMMAND: must be a JSON array of strings/],
    [{ STOP_TIMEOUT_SECONDS: 'soon' }, /STOP_TIMEOUT_SECONDS: must be a number of seconds/],
    [{ HEARTBEAT_SECONDS: '-1' }, /HEARTBEAT_SECONDS: must be a positive number/],
    [{ TRADER_RELOAD_SIGNAL: 'SIGKILL' }, /TRADER_RELOAD_SIGNAL: must be SIGHUP/],
  ])('names the bad variable: %o', (override, message) => {
    const attempt = () => loadSupervisorConfig({ ...base, ...override });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('never echoes the machine token in an error', () => {
    const attempt = () =>
      loadSupervisorConfig({ ...base, HMMTRADE_API_URL: 'nope', HEARTBEAT_SECONDS: 'x' });
    expect(attempt).toThrow(/HMMTRADE_API_URL/);
    expect(attempt).not.toThrow(/jwt-secret-value/);
  });
});
