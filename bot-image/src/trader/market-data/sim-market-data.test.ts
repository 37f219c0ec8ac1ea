import { describe, expect, it } from 'vitest';
import { generateSimBars, SIM_REGIMES } from './sim-generator.ts';
import { createSimMarketData } from './sim-market-data.ts';

const minute = 60_000;

describe('sim generator', () => {
  it('is deterministic per seed and produces consistent OHLCV bars', () => {
    const a = generateSimBars({ seed: 9, start: 0, timeframeMs: minute, count: 500 });
    const b = generateSimBars({ seed: 9, start: 0, timeframeMs: minute, count: 500 });
    const c = generateSimBars({ seed: 10, start: 0, timeframeMs: minute, count: 500 });
    expect(a).toEqual(b);
    expect(a.bars).not.toEqual(c.bars);
    a.bars.forEach((bar, t) => {
      expect(bar.timestamp).toBe(t * minute);
      expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
      expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
      expect(bar.low).toBeGreaterThan(0);
      if (t > 0) expect(bar.open).toBe(a.bars[t - 1]!.close);
    });
    expect(new Set(a.regimes)).toEqual(new Set(SIM_REGIMES.map((r) => r.name)));
  });

  it('gives wilder regimes wider returns', () => {
    const { bars, regimes } = generateSimBars({
      seed: 1,
      start: 0,
      timeframeMs: minute,
      count: 4000,
    });
    const spread = (name: string) => {
      const r = bars
        .slice(1)
        .flatMap((bar, i) =>
          regimes[i + 1] === name ? [Math.log(bar.close / bars[i]!.close)] : [],
        );
      return Math.sqrt(r.reduce((s, x) => s + x * x, 0) / r.length);
    };
    expect(spread('calm')).toBeLessThan(spread('choppy'));
    expect(spread('choppy')).toBeLessThan(spread('panic'));
  });
});

describe('sim market data', () => {
  it('has history up to now and releases each bar once its period has ended', async () => {
    const clock = { t: 10 * minute + 30_000, now: () => clock.t };
    const data = createSimMarketData({
      symbols: ['AAA', 'BBB'],
      timeframeMs: minute,
      seed: 3,
      clock,
      historyBars: 50,
    });
    const history = await data.history('AAA', 20);
    expect(history).toHaveLength(20);
    // The bar that started at 10:00 is still open at 10:30.
    expect(history.at(-1)!.timestamp).toBe(9 * minute);
    expect(await data.barsSince('AAA', 9 * minute)).toEqual([]);
    clock.t += 2 * minute;
    const fresh = await data.barsSince('AAA', 9 * minute);
    expect(fresh.map((b) => b.timestamp)).toEqual([10 * minute, 11 * minute]);
    expect(fresh[0]!.open).toBe(history.at(-1)!.close);
    expect((await data.history('BBB', 100)).length).toBe(52);
    expect(await data.history('AAA', 0)).toEqual([]);
    await expect(data.history('ZZZ', 1)).rejects.toThrow('unknown symbol ZZZ');
  });

  it('gives the same bars for the same seed and clock', async () => {
    const make = () =>
      createSimMarketData({
        symbols: ['AAA'],
        timeframeMs: minute,
        seed: 4,
        clock: { now: () => 5e6 },
        historyBars: 30,
      });
    expect(await make().history('AAA', 30)).toEqual(await make().history('AAA', 30));
  });
});
