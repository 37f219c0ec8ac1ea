import { describe, expect, it } from 'vitest';

import { DNS_LABEL_MESSAGE, DNS_SUBDOMAIN_MESSAGE } from './common.schema.ts';
import { caseName, minimalSpec, patched } from './spec.fixtures.ts';
import type { InvalidCase } from './spec.fixtures.ts';
import type { TradingBotSpec } from './spec.schema.ts';
import { validateTradingBotSpec } from './trading-bot.validation.ts';

const KEY_CHARS = 'must consist of letters, digits, "-", "_" or "."';

const cases: readonly InvalidCase[] = [
  ['suspend', 'yes', 'must be a boolean'],
  ['mode', 'yolo', 'must be one of: paper, live'],
  ['broker', undefined, 'Required'],
  ['broker.kind', 'ibkr', 'must be one of: alpaca, sim'],
  ['broker', { kind: 'alpaca', secretRef: {} }, 'Required', 'spec.broker.secretRef.name'],
  [
    'broker',
    { kind: 'alpaca', secretRef: { name: 'Alpaca_Keys' } },
    DNS_SUBDOMAIN_MESSAGE,
    'spec.broker.secretRef.name',
  ],
  [
    'broker',
    { kind: 'alpaca', secretRef: { name: 'a', keyIdKey: 'key id' } },
    KEY_CHARS,
    'spec.broker.secretRef.keyIdKey',
  ],
  [
    'broker',
    { kind: 'alpaca', connectionId: 'conn-1' },
    'must be a UUID',
    'spec.broker.connectionId',
  ],
  ['profile', undefined, 'Required'],
  ['runtime', undefined, 'Required'],
  ['runtime.backend', undefined, 'Required'],
  ['runtime.backend', 'ecs', 'must be one of: fly, kubernetes, local'],
  ['runtime.image', '', 'must not be empty'],
  ['runtime.image', 'my image', 'must be an image reference without whitespace'],
  ['runtime.resources.cpus', 0.1, 'must be at least 0.25'],
  ['runtime.resources.cpus', 32, 'must be at most 16'],
  ['runtime.resources.memoryMB', 128, 'must be at least 256'],
  ['runtime.resources.memoryMB', 100000, 'must be at most 65536'],
  ['runtime.resources.memoryMB', 512.5, 'must be an integer'],
  ['runtime.region', 'US_EAST', DNS_LABEL_MESSAGE],
  ['runtime.schedule', 'weekdays', 'must be one of: always, market-hours'],
  ['replicas', 2, 'unknown field'],
  ['runtime.resources.gpus', 1, 'unknown field'],
];

describe('tradingBotSpecSchema: fields', () => {
  it.each(cases.map((row) => [caseName(row), row] as const))('rejects %s', (_, row) => {
    const [set, value, message, path = `spec.${set}`] = row;
    const result = validateTradingBotSpec(patched(minimalSpec(), set, value));
    expect(result).toEqual({ ok: false, issues: [{ path, message }] });
  });

  it('rejects a spec that is not an object, or none', () => {
    const notObject = { ok: false, issues: [{ path: 'spec', message: 'must be an object' }] };
    expect(validateTradingBotSpec('paper')).toEqual(notObject);
    expect(validateTradingBotSpec(undefined)).toEqual({
      ok: false,
      issues: [{ path: 'spec', message: 'Required' }],
    });
  });
});

describe('tradingBotSpecSchema: defaults', () => {
  it('fills every omitted field', () => {
    const expected: TradingBotSpec = {
      suspend: false,
      mode: 'paper',
      broker: { kind: 'sim' },
      profile: {
        symbols: ['AAPL'],
        assetClass: 'stocks',
        timeframe: '5Min',
        tickIntervalSeconds: 60,
        hmm: {
          minStates: 2,
          maxStates: 4,
          covariance: 'diag',
          features: ['logReturn', 'realizedVolatility', 'atr'],
          lookbackBars: 500,
          retrainEveryBars: 100,
          minConfidence: 0.6,
          stabilityBars: 3,
        },
        routing: { calm: 'trend', choppy: 'meanReversion', panic: 'flat' },
        risk: {
          maxPositionPct: 0.1,
          maxExposurePct: 0.5,
          maxDailyDrawdownPct: 0.05,
          maxTradesPerDay: 20,
          maxLeverage: 1,
        },
      },
      runtime: {
        backend: 'local',
        image: 'ghcr.io/hmmtrade/bot:0.1.0',
        resources: { cpus: 1, memoryMB: 1024 },
        schedule: 'always',
      },
    };
    expect(validateTradingBotSpec(minimalSpec())).toEqual({ ok: true, spec: expected });
  });

  it('fills defaults inside partly written objects and keeps what was written', () => {
    const input = patched(minimalSpec(), 'profile.hmm', { maxStates: 6 });
    const result = validateTradingBotSpec(
      patched(input, 'broker', { kind: 'alpaca', secretRef: { name: 'keys' } }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.spec.profile.hmm).toMatchObject({ minStates: 2, maxStates: 6, stabilityBars: 3 });
    expect(result.spec.broker.secretRef).toEqual({
      name: 'keys',
      keyIdKey: 'APCA_API_KEY_ID',
      secretKeyKey: 'APCA_API_SECRET_KEY',
    });
  });

  it('hands out fresh default objects on every parse', () => {
    const first = validateTradingBotSpec(minimalSpec());
    const second = validateTradingBotSpec(minimalSpec());
    if (!first.ok || !second.ok) throw new Error('minimal spec must be valid');
    first.spec.profile.routing.calm = 'flat';
    first.spec.profile.hmm.features.push('rsi');
    expect(second.spec.profile.routing.calm).toBe('trend');
    expect(second.spec.profile.hmm.features).toEqual(['logReturn', 'realizedVolatility', 'atr']);
  });

  it('does not default the broker credentials or region', () => {
    const result = validateTradingBotSpec(minimalSpec());
    if (!result.ok) throw new Error('minimal spec must be valid');
    expect(result.spec.broker).toEqual({ kind: 'sim' });
    expect(result.spec.runtime).not.toHaveProperty('region');
  });
});
