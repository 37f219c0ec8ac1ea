import type { Clock } from '../clock.ts';
import type { Bar } from './bar.ts';
import type { MarketData } from './market-data.ts';
import { createSimBarGenerator, symbolSeed, type SimBarGenerator } from './sim-generator.ts';

/** A simulated feed that runs on a clock. */
export interface SimMarketDataOptions {
  symbols: readonly string[];
  timeframeMs: number;
  seed: number;
  clock: Clock;
  /** Completed bars that already exist when the feed is created (the history to warm up on). */
  historyBars: number;
}

/**
 * Bars of the seeded regime-switching market, released as the clock passes their end: the bar
 * starting at T is available once now ≥ T + timeframe. History reaches `historyBars` bars before
 * the creation time. The same seed and clock give the same bars.
 */
export function createSimMarketData(options: SimMarketDataOptions): MarketData {
  const { timeframeMs, clock, historyBars } = options;
  const anchor = Math.floor(clock.now() / timeframeMs) * timeframeMs - historyBars * timeframeMs;
  const keep = historyBars + 1000;
  const feeds = new Map<string, { generator: SimBarGenerator; bars: Bar[] }>();
  options.symbols.forEach((symbol, i) => {
    const generator = createSimBarGenerator({
      seed: symbolSeed(options.seed, symbol),
      start: anchor,
      timeframeMs,
      startPrice: 100 * (i + 1),
    });
    feeds.set(symbol, { generator, bars: [] });
  });
  let generated = 0;

  const completed = (symbol: string): Bar[] => {
    const feed = feeds.get(symbol);
    if (feed === undefined) throw new Error(`sim market data: unknown symbol ${symbol}`);
    const due = Math.floor((clock.now() - anchor) / timeframeMs);
    const target = Math.max(due, 0);
    for (const other of feeds.values()) {
      for (let i = generated; i < target; i++) {
        const { regime: _regime, ...bar } = other.generator.next();
        other.bars.push(bar);
      }
      if (other.bars.length > keep) other.bars.splice(0, other.bars.length - keep);
    }
    generated = Math.max(generated, target);
    return feed.bars;
  };

  // Through the Promise constructor, so a throw (unknown symbol) becomes a rejection.
  const later = <T>(compute: () => T) => new Promise<T>((resolve) => resolve(compute()));
  return {
    history: (symbol, limit) => later(() => (limit > 0 ? completed(symbol).slice(-limit) : [])),
    barsSince: (symbol, after) =>
      later(() => completed(symbol).filter((bar) => bar.timestamp > after)),
  };
}
