import { rollingStd, sma, type Strategy } from './strategy.ts';

/** Bands of the mean-reversion strategy, in standard deviations from the moving average. */
export interface MeanReversionOptions {
  /** Moving-average and deviation window. Default 20. */
  window?: number;
  /** Buy when the close is this many deviations below the average. Default 1. */
  entryZ?: number;
  /** Sell out once the close is back to this z-score. Default 0 (the average). */
  exitZ?: number;
}

/**
 * Long-only mean reversion on the z-score of the close against its moving average: enter
 * maxPositionPct at z ≤ −entryZ, exit at z ≥ exitZ, and in between keep what is held (clipped
 * to the limit), so a position is not churned while the price reverts.
 */
export function createMeanReversionStrategy(options: MeanReversionOptions = {}): Strategy {
  const window = options.window ?? 20;
  const entryZ = options.entryZ ?? 1;
  const exitZ = options.exitZ ?? 0;
  if (!(window >= 2 && entryZ > 0 && exitZ > -entryZ)) {
    throw new Error('mean reversion strategy: need window ≥ 2 and exitZ > −entryZ > −∞');
  }
  return {
    name: 'meanReversion',
    minHistory: window,
    targetWeight({ closes, currentWeight, maxPositionPct }) {
      const mean = sma(closes, window);
      const std = rollingStd(closes, window);
      if (Number.isNaN(mean) || !(std > 0)) return 0;
      const z = (closes[closes.length - 1]! - mean) / std;
      if (z <= -entryZ) return maxPositionPct;
      if (z >= exitZ) return 0;
      return Math.min(Math.max(currentWeight, 0), maxPositionPct);
    },
  };
}
