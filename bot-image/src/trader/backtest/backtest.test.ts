import { profileSchema } from '@hmmtrade/crds';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBacktest, formatBacktestReport, type BacktestResult } from './backtest.ts';
import { loadBacktestData } from './backtest-data.ts';
import { equityMetrics } from './backtest-metrics.ts';
import { renderBacktestSvg } from './backtest-svg.ts';

const profile = profileSchema.parse({
  symbols: ['SIM'],
  assetClass: 'crypto',
  timeframe: '1Hour',
  hmm: { minStates: 2, maxStates: 3, lookbackBars: 300, retrainEveryBars: 100 },
  risk: { maxPositionPct: 0.5, maxExposurePct: 1, maxTradesPerDay: 10 },
});

describe('equity metrics', () => {
  it.each([
    {
      name: 'a rise, a fall and a recovery',
      equity: [100, 110, 99, 121],
      // Returns +10%, −10%, +22.22…%; peak 110 → 99 is the worst fall.
      want: { totalReturn: 0.21, maxDrawdown: 0.1 },
    },
    {
      name: 'a flat curve',
      equity: [100, 100, 100],
      want: { totalReturn: 0, maxDrawdown: 0, sharpe: 0 },
    },
  ])('$name', ({ equity, want }) => {
    const got = equityMetrics(equity, 252);
    for (const [key, value] of Object.entries(want)) {
      expect(got[key as keyof typeof got]).toBeCloseTo(value, 10);
    }
  });

  it('annualises the Sharpe ratio with √(bars per year)', () => {
    const equity = [100, 101, 100.5, 102, 101.8];
    const returns = equity.slice(1).map((v, i) => v / equity[i]! - 1);
    const mean = returns.reduce((a, b) => a + b, 0) / 4;
    const std = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / 3);
    expect(equityMetrics(equity, 8760).sharpe).toBeCloseTo((mean / std) * Math.sqrt(8760), 10);
  });
});

describe('backtest on simulated data', () => {
  let result: BacktestResult;
  const events: string[] = [];
  beforeAll(async () => {
    const data = await loadBacktestData({ data: 'sim', profile, simBars: 1500, seed: 3 });
    result = await runBacktest({
      profile,
      bars: data.bars,
      source: data.source,
      emit: (type) => void events.push(type),
    });
  });

  it('trades walk-forward after the first fit and reports finite metrics', () => {
    const { metrics } = result;
    expect(result.warmupBars).toBeGreaterThanOrEqual(300);
    expect(metrics.bars + result.warmupBars).toBe(1500);
    for (const value of [metrics.totalReturn, metrics.maxDrawdown, metrics.sharpe, metrics.fees]) {
      expect(Number.isFinite(value)).toBe(true);
    }
    expect(metrics.maxDrawdown).toBeGreaterThanOrEqual(0);
    expect(metrics.maxDrawdown).toBeLessThan(1);
    expect(metrics.trades).toBeGreaterThan(0);
    expect(metrics.endEquity).toBeCloseTo(result.equity.at(-1)!.equity, 6);
    const shares = Object.values(metrics.timeInRegime.SIM!);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(events).toContain('regime_change');
    expect(events).toContain('fill');
    expect(events).toContain('daily_summary');
  });

  it('prints the headline numbers', () => {
    const report = formatBacktestReport(result);
    for (const heading of ['total return', 'max drawdown', 'sharpe', 'trades', 'time in regime']) {
      expect(report).toContain(heading);
    }
  });

  it('draws an SVG with regime bands, the equity line, axes and a legend', () => {
    const svg = renderBacktestSvg(result);
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toMatch(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox=/);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const bands = svg.match(/<rect class="regime regime-(\w+)"/g) ?? [];
    expect(bands.length).toBeGreaterThan(1);
    expect(svg).toMatch(/<path class="equity" d="M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+"/);
    expect(svg).toContain('class="axis y-axis"');
    expect(svg).toContain('class="axis x-axis"');
    expect(svg).toContain('class="legend"');
    expect(svg).toContain('>equity</text>');
    expect(svg).toContain('>calm</text>');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    // Every opened element is closed: a well-formedness smoke test.
    const opened = (svg.match(/<(g|svg|rect|text|title)[\s>]/g) ?? []).length;
    const closed = (svg.match(/<\/(g|svg|rect|text|title)>|\/>/g) ?? []).length;
    expect(closed).toBeGreaterThanOrEqual(opened);
  });

  it('audits every order the risk gates refuse, with the gate and the reason', async () => {
    const strict = profileSchema.parse({
      ...profile,
      risk: { ...profile.risk, maxTradesPerDay: 1 },
    });
    const data = await loadBacktestData({ data: 'sim', profile: strict, simBars: 1200, seed: 3 });
    const rejections: Record<string, unknown>[] = [];
    const { metrics } = await runBacktest({
      profile: strict,
      bars: data.bars,
      emit: (type, payload) => void (type === 'rejection' && rejections.push(payload)),
    });
    expect(metrics.rejections).toBe(rejections.length);
    expect(rejections.length).toBeGreaterThan(0);
    expect(rejections[0]).toMatchObject({
      symbol: 'SIM',
      gate: 'maxTradesPerDay',
      // Reducing orders pass the gate and count, so the count may be past the limit.
      reason: expect.stringMatching(/^\d+ trades today reached the limit of 1$/),
    });
  });

  it('refuses data too short to fit a model', async () => {
    const data = await loadBacktestData({ data: 'sim', profile, simBars: 200 });
    await expect(runBacktest({ profile, bars: data.bars })).rejects.toThrow(/warmed the model up/);
  });
});
