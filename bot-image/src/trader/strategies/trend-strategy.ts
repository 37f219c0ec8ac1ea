import { sma, type Strategy } from './strategy.ts';

/** Moving-average lengths of the trend strategy. */
export interface TrendOptions {
  fast?: number;
  slow?: number;
}

/**
 * Long-only trend following: hold maxPositionPct while the fast moving average is above the
 * slow one, nothing otherwise.
 */
export function createTrendStrategy(options: TrendOptions = {}): Strategy {
  const fast = options.fast ?? 10;
  const slow = options.slow ?? 30;
  if (!(fast >= 1 && slow > fast)) throw new Error('trend strategy: need 1 ≤ fast < slow');
  return {
    name: 'trend',
    minHistory: slow,
    targetWeight({ closes, maxPositionPct }) {
      const fastMa = sma(closes, fast);
      const slowMa = sma(closes, slow);
      if (Number.isNaN(slowMa)) return 0;
      return fastMa > slowMa ? maxPositionPct : 0;
    },
  };
}
