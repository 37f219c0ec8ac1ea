import { describe, expect, it } from 'vitest';

import { caseName, minimalSpec, patched } from './spec.fixtures.ts';
import type { InvalidCase } from './spec.fixtures.ts';
import { formatIssues, validateTradingBotSpec } from './trading-bot.validation.ts';

const TICKER = 'must be an uppercase ticker such as AAPL, BRK.B or BTC/USD';
const FEATURE = 'must be one of: logReturn, realizedVolatility, atr, adx, rsi';
const TIMEFRAME = 'must be one of: 1Min, 5Min, 15Min, 30Min, 1Hour, 1Day';
const STRATEGY = 'must be one of: trend, flat, meanReversion';
const manySymbols = Array.from({ length: 51 }, (_, i) => `S${i}`);

const cases: readonly InvalidCase[] = [
  ['profile.symbols', undefined, 'Required'],
  ['profile.symbols', [], 'must not be empty'],
  ['profile.symbols', [''], 'must not be empty', 'spec.profile.symbols[0]'],
  ['profile.symbols', ['AAPL', 'msft'], TICKER, 'spec.profile.symbols[1]'],
  ['profile.symbols', ['BTC-USD-X'], TICKER, 'spec.profile.symbols[0]'],
  ['profile.symbols', ['AAPL', 'AAPL'], 'duplicate value "AAPL"', 'spec.profile.symbols[1]'],
  ['profile.symbols', manySymbols, 'must have at most 50 items'],
  ['profile.symbols', 'AAPL', 'must be an array'],
  ['profile.assetClass', undefined, 'Required'],
  ['profile.assetClass', 'forex', 'must be one of: stocks, crypto'],
  ['profile.timeframe', '2Min', TIMEFRAME],
  ['profile.tickIntervalSeconds', 0, 'must be at least 1'],
  ['profile.tickIntervalSeconds', 86401, 'must be at most 86400'],
  ['profile.tickIntervalSeconds', 1.5, 'must be an integer'],
  ['profile.tickIntervalSeconds', '60', 'must be an integer'],
  ['profile.hmm.minStates', 1, 'must be at least 2'],
  ['profile.hmm.minStates', 11, 'must be at most 10'],
  ['profile.hmm.maxStates', 1, 'must be at least 2'],
  ['profile.hmm.maxStates', 11, 'must be at most 10'],
  ['profile.hmm.covariance', 'tied', 'must be one of: diag, full'],
  ['profile.hmm.features', [], 'must not be empty'],
  ['profile.hmm.features', ['rsi', 'macd'], FEATURE, 'spec.profile.hmm.features[1]'],
  ['profile.hmm.features', ['rsi', 'rsi'], 'duplicate value "rsi"', 'spec.profile.hmm.features[1]'],
  ['profile.hmm.lookbackBars', 10, 'must be at least 50'],
  ['profile.hmm.lookbackBars', 10001, 'must be at most 10000'],
  ['profile.hmm.retrainEveryBars', 0, 'must be at least 1'],
  ['profile.hmm.minConfidence', 0, 'must be greater than 0'],
  ['profile.hmm.minConfidence', 1.5, 'must be at most 1'],
  ['profile.hmm.stabilityBars', 0, 'must be at least 1'],
  ['profile.hmm.stabilityBars', 101, 'must be at most 100'],
  ['profile.routing', { calm: 'yolo' }, STRATEGY, 'spec.profile.routing.calm'],
  [
    'profile.routing',
    { Calm: 'trend' },
    'key must be a camelCase regime label such as calm',
    'spec.profile.routing.Calm',
  ],
  ['profile.routing', {}, 'must map at least 1 regime'],
  ['profile.risk.maxPositionPct', 0, 'must be greater than 0'],
  ['profile.risk.maxPositionPct', 1.5, 'must be at most 1'],
  ['profile.risk.maxExposurePct', 0, 'must be greater than 0'],
  ['profile.risk.maxExposurePct', 1.5, 'must be at most 1'],
  ['profile.risk.maxDailyDrawdownPct', 0, 'must be greater than 0'],
  ['profile.risk.maxDailyDrawdownPct', 1.5, 'must be at most 1'],
  ['profile.risk.maxDailyDrawdownPct', -0.1, 'must be greater than 0'],
  ['profile.risk.maxTradesPerDay', 0, 'must be at least 1'],
  ['profile.risk.maxTradesPerDay', 2.5, 'must be an integer'],
  ['profile.risk.maxLeverage', 0, 'must be greater than 0'],
  ['profile.risk.maxLeverage', 5, 'must be at most 4'],
  ['profile.risk.maxPositonPct', 0.1, 'unknown field'],
];

describe('profile schema', () => {
  it.each(cases.map((row) => [caseName(row), row] as const))('rejects %s', (_, row) => {
    const [set, value, message, path = `spec.${set}`] = row;
    const result = validateTradingBotSpec(patched(minimalSpec(), set, value));
    expect(result).toEqual({ ok: false, issues: [{ path, message }] });
  });

  it('accepts tickers with share classes and crypto pairs', () => {
    const symbols = ['BRK.B', 'BF-B', 'SPY', 'BTC/USD', 'ETH/USDT'];
    expect(validateTradingBotSpec(patched(minimalSpec(), 'profile.symbols', symbols)).ok).toBe(
      true,
    );
  });

  it('accepts the bounds themselves', () => {
    let input = patched(minimalSpec(), 'profile.tickIntervalSeconds', 86400);
    input = patched(input, 'profile.hmm', { minStates: 10, maxStates: 10, minConfidence: 1 });
    input = patched(input, 'profile.risk', {
      maxPositionPct: 1,
      maxExposurePct: 1,
      maxLeverage: 4,
    });
    expect(validateTradingBotSpec(input).ok).toBe(true);
  });

  it('reports every problem at once, in one line', () => {
    const input = patched(patched(minimalSpec(), 'mode', 'yolo'), 'profile.symbols', []);
    const result = validateTradingBotSpec(input);
    if (result.ok) throw new Error('expected issues');
    expect(formatIssues(result.issues)).toBe(
      'spec.mode: must be one of: paper, live; spec.profile.symbols: must not be empty',
    );
  });
});
