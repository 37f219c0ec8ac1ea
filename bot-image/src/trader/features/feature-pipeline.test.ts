import { describe, expect, it } from 'vitest';
import type { Bar } from '../market-data/bar.ts';
import { createFeaturePipeline } from './feature-pipeline.ts';
import { createRollingZScore } from './rolling-zscore.ts';

function bar(t: number, close: number): Bar {
  return { timestamp: t, open: close, high: close * 1.01, low: close * 0.99, close, volume: 1 };
}

/** A deterministic wiggly price path. */
const closes = Array.from({ length: 120 }, (_, t) => 100 * Math.exp(0.05 * Math.sin(t / 3)));
const bars = closes.map((close, t) => bar(t, close));

describe('rolling z-score', () => {
  const cases: { name: string; window: number; min: number; xs: number[]; want: number[] }[] = [
    // [1,2]: mean 1.5, std 0.5 → 1; [1,2,3]: mean 2, std √(2/3) → 1.2247;
    // [2,3,10]: mean 5, std √(38/3) → 1.4049 (the 1 has left the window).
    {
      name: 'grows to its window, then rolls',
      window: 3,
      min: 2,
      xs: [1, 2, 3, 10],
      want: [NaN, 1, 1.224744871, 1.404878717],
    },
    { name: 'a flat window scores 0', window: 3, min: 2, xs: [4, 4, 4], want: [NaN, 0, 0] },
  ];
  it.each(cases)('$name', ({ window, min, xs, want }) => {
    const z = createRollingZScore({ window, minSamples: min });
    xs.forEach((x, i) => {
      const got = z(x);
      if (Number.isNaN(want[i]!)) expect(got).toBeNaN();
      else expect(got).toBeCloseTo(want[i]!, 8);
    });
  });

  it('clips outliers', () => {
    const z = createRollingZScore({ window: 100, minSamples: 2, clip: 3 });
    for (let i = 0; i < 50; i++) z(i % 2);
    expect(z(1e6)).toBe(3);
  });
});

describe('feature pipeline', () => {
  it('emits raw and standardised vectors in feature order after its announced warm-up', () => {
    const pipeline = createFeaturePipeline({
      features: ['rsi', 'logReturn', 'atr', 'adx', 'realizedVolatility'],
      zScoreWindow: 50,
      zScoreMinSamples: 10,
    });
    const out = bars.map((b) => pipeline.update(b));
    const firstStandardized = out.findIndex((v) => v?.standardized != null);
    expect(firstStandardized + 1).toBe(pipeline.warmupBars);
    // ADX needs 2·14 − 1 bars; 10 z-score samples on top.
    expect(pipeline.warmupBars).toBe(27 + 10);
    const row = out[100]!;
    expect(row.raw[1]).toBeCloseTo(Math.log(closes[100]! / closes[99]!), 12);
    expect(row.raw[0]).toBeGreaterThan(0);
    expect(row.raw[0]).toBeLessThan(100);
    expect(row.standardized).toHaveLength(5);
    expect(row.standardized!.every((z) => Math.abs(z) <= 8)).toBe(true);
  });

  it('standardises each column by its own rolling window', () => {
    const pipeline = createFeaturePipeline({
      features: ['logReturn'],
      zScoreWindow: 20,
      zScoreMinSamples: 20,
    });
    const out = bars.map((b) => pipeline.update(b));
    const t = 60;
    const window = out.slice(t - 19, t + 1).map((v) => v!.raw[0]!);
    const mean = window.reduce((a, b) => a + b, 0) / 20;
    const std = Math.sqrt(window.reduce((s, x) => s + (x - mean) ** 2, 0) / 20);
    expect(out[t]!.standardized![0]).toBeCloseTo((window[19]! - mean) / std, 10);
  });

  it('is causal: a different future leaves past vectors unchanged', () => {
    const make = () => createFeaturePipeline({ features: ['atr', 'adx', 'rsi'], zScoreWindow: 40 });
    const run = (series: Bar[]) => {
      const pipeline = make();
      return series.map((x) => pipeline.update(x));
    };
    const a = run(bars);
    const b = run(bars.map((x, t) => (t >= 90 ? bar(t, x.close * (t % 2 ? 1.5 : 0.7)) : x)));
    expect(b.slice(0, 90)).toEqual(a.slice(0, 90));
    expect(b.slice(90)).not.toEqual(a.slice(90));
  });

  it('rejects a bar with a non-positive price', () => {
    const pipeline = createFeaturePipeline({ features: ['logReturn'], zScoreWindow: 10 });
    expect(() => pipeline.update(bar(0, 0))).toThrow(/positive finite prices/);
  });
});
