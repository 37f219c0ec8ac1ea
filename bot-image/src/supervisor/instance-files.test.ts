import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { BotProfile, BrokerToken } from './control-plane.schemas.ts';
import { botProfileResponseSchema } from './control-plane.schemas.ts';
import {
  brokerEnv,
  instancePaths,
  renderDotEnv,
  renderInstanceYaml,
  writeInstanceFiles,
} from './instance-files.ts';
import { stubProfile } from './testing/api-stub.ts';
import { toYaml } from './yaml-writer.ts';

const profile: BotProfile = botProfileResponseSchema.parse(stubProfile());
const token: BrokerToken = {
  kind: 'alpaca',
  environment: 'live',
  credentials: { keyId: 'AKLIVE', secretKey: 'live/secret+key=' },
  expiresAt: '2026-11-25T12:15:00.000Z',
};

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('toYaml', () => {
  it('writes block YAML that reads back to the same data, strings never retyped', () => {
    const data = {
      a: 'NO',
      b: '1e3',
      'needs quotes': 'x: y # z',
      on: true,
      list: ['BTC/USD', 'on'],
      nested: { deep: [{ k: 1.5 }, []], empty: {} },
      nothing: null,
      skipped: undefined,
    };
    const { skipped: _skipped, ...expected } = data;
    expect(parse(toYaml(data))).toEqual(expected);
  });

  it('refuses non-finite numbers', () => {
    expect(() => toYaml({ x: Number.NaN })).toThrow(RangeError);
  });
});

describe('instance files', () => {
  it('renders the profile YAML without any credential', () => {
    const yaml = renderInstanceYaml(profile, token);
    expect(yaml).not.toContain('AKLIVE');
    expect(yaml).not.toContain('live/secret');
    expect(parse(yaml)).toMatchObject({
      bot: { id: profile.botId, generation: 7 },
      mode: 'paper',
      broker: { kind: 'alpaca', environment: 'live' },
      profile: { symbols: ['AAPL', 'BRK.B'], timeframe: '5Min', routing: { calm: 'trend' } },
    });
  });

  it('puts live alpaca credentials and the live URL in the env, quoting what needs it', () => {
    const env = brokerEnv('bot-1', profile, token);
    expect(env).toMatchObject({
      BOT_ID: 'bot-1',
      APCA_API_KEY_ID: 'AKLIVE',
      APCA_API_SECRET_KEY: 'live/secret+key=',
      APCA_API_BASE_URL: 'https://api.alpaca.markets',
      HMMTRADE_BROKER_EXPIRES_AT: '2026-11-25T12:15:00.000Z',
    });
    expect(renderDotEnv({ A: 'plain', B: 'has space "and" \\' })).toBe(
      '# Written by the hmmtrade supervisor; rewritten (atomically) at each broker-token refresh.\n' +
        'A=plain\nB="has space \\"and\\" \\\\"\n',
    );
    expect(() => renderDotEnv({ A: 'two\nlines' })).toThrow(/spans lines/);
  });

  it('refuses an alpaca token without credentials', () => {
    const { credentials: _credentials, ...bare } = token;
    expect(() => brokerEnv('bot-1', profile, bare)).toThrow(/no credentials/);
  });

  it('replaces both files atomically, .env with mode 0600 even over a looser file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hmmtrade-instance-'));
    dirs.push(dir);
    const paths = instancePaths(dir, 'bot-1');
    await writeFile(paths.envFile, 'OLD=1\n', { mode: 0o644 });
    await writeInstanceFiles(paths, 'a: 1\n', { BOT_ID: 'bot-1' });
    expect(paths.instanceFile).toBe(join(dir, 'config', 'instances', 'bot-1.yaml'));
    expect(await readFile(paths.instanceFile, 'utf8')).toBe('a: 1\n');
    expect((await stat(paths.envFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(paths.envFile, 'utf8')).toContain('BOT_ID=bot-1\n');
  });
});
