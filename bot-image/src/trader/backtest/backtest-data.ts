import { basename } from 'node:path';
import { readCsvBars } from '../market-data/csv-bars.ts';
import { TIMEFRAME_MS, type Bar } from '../market-data/bar.ts';
import { generateSimBars, symbolSeed } from '../market-data/sim-generator.ts';
import type { TraderProfile } from '../trading-engine.ts';

/** Where a backtest's bars come from. */
export interface BacktestDataOptions {
  /** `sim`, or the path of a CSV file (timestamp,open,high,low,close,volume). */
  data: string;
  profile: TraderProfile;
  /** Simulated bars per symbol. */
  simBars: number;
  /** Seed of the simulated market. Default 1. */
  seed?: number;
  /** First simulated bar's start. Default 2026-01-05T00:00:00Z. */
  simStart?: number;
}

/** Bars per symbol of the profile and a description of their source. */
export interface BacktestData {
  bars: Record<string, Bar[]>;
  source: string;
  /** Per symbol, the regime that generated each simulated bar (sim only). */
  trueRegimes?: Record<string, string[]>;
}

/**
 * `sim`: each symbol gets its own seeded regime-switching path at the profile's timeframe. A
 * CSV holds one instrument, so the profile must name exactly one symbol.
 */
export async function loadBacktestData(options: BacktestDataOptions): Promise<BacktestData> {
  const { profile } = options;
  if (options.data === 'sim') {
    const seed = options.seed ?? 1;
    const bars: Record<string, Bar[]> = {};
    const trueRegimes: Record<string, string[]> = {};
    profile.symbols.forEach((symbol, i) => {
      const sim = generateSimBars({
        seed: symbolSeed(seed, symbol),
        start: options.simStart ?? Date.parse('2026-01-05T00:00:00Z'),
        timeframeMs: TIMEFRAME_MS[profile.timeframe],
        startPrice: 100 * (i + 1),
        count: options.simBars,
      });
      bars[symbol] = sim.bars;
      trueRegimes[symbol] = sim.regimes;
    });
    return { bars, source: `sim (seed ${seed})`, trueRegimes };
  }
  if (profile.symbols.length !== 1) {
    throw new Error(
      `backtest: a CSV holds one instrument but the profile trades ${profile.symbols.length} ` +
        `symbols (${profile.symbols.join(', ')}); give it one`,
    );
  }
  return {
    bars: { [profile.symbols[0]!]: await readCsvBars(options.data) },
    source: basename(options.data),
  };
}
