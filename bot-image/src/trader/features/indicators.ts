import type { Bar } from '../market-data/bar.ts';

/**
 * A causal indicator: fed bars oldest first, it returns the value as of the bar just fed, from
 * that bar and earlier ones only. NaN while it has not seen enough bars (its warm-up).
 */
export interface Indicator {
  update(bar: Bar): number;
}

/**
 * Default look-backs: Wilder's 14 for ATR, ADX and RSI; 10 returns for realized volatility, short
 * enough to follow a regime switch within a few bars (20 lagged visibly in the regime tests).
 */
export const INDICATOR_DEFAULTS = { period: 14, volatilityWindow: 10 } as const;

/** r_t = ln(C_t / C_t−1); NaN on the first bar. */
export function createLogReturn(): Indicator {
  let previous: number | null = null;
  return {
    update(bar) {
      const value = previous === null ? NaN : Math.log(bar.close / previous);
      previous = bar.close;
      return value;
    },
  };
}

/**
 * Realized volatility: the sample standard deviation (n − 1) of the last `window` log returns,
 * per bar (not annualised). First value on bar `window` (it needs window + 1 closes).
 */
export function createRealizedVolatility(window: number = INDICATOR_DEFAULTS.volatilityWindow) {
  assertPeriod(window, 'window', 2);
  const logReturn = createLogReturn();
  const returns: number[] = [];
  return {
    update(bar: Bar): number {
      const r = logReturn.update(bar);
      if (Number.isNaN(r)) return NaN;
      returns.push(r);
      if (returns.length > window) returns.shift();
      if (returns.length < window) return NaN;
      const mean = returns.reduce((a, b) => a + b, 0) / window;
      const squares = returns.reduce((sum, x) => sum + (x - mean) ** 2, 0);
      return Math.sqrt(squares / (window - 1));
    },
  } satisfies Indicator;
}

/**
 * Wilder's smoothing: the first value is the mean of the first `period` inputs, then
 * s_t = (s_t−1·(period − 1) + x_t) / period. NaN until `period` inputs were seen.
 */
export function createWilderAverage(period: number) {
  assertPeriod(period, 'period', 1);
  let count = 0;
  let value = 0;
  return (x: number): number => {
    count += 1;
    if (count <= period) {
      value += x / period;
      return count === period ? value : NaN;
    }
    value = (value * (period - 1) + x) / period;
    return value;
  };
}

/**
 * True range from the second bar on: max(H − L, |H − C_t−1|, |L − C_t−1|). NaN on the first
 * bar, which has no previous close (TA-Lib's convention).
 */
export function createTrueRange(): Indicator {
  let previousClose: number | null = null;
  return {
    update(bar) {
      const value =
        previousClose === null
          ? NaN
          : Math.max(
              bar.high - bar.low,
              Math.abs(bar.high - previousClose),
              Math.abs(bar.low - previousClose),
            );
      previousClose = bar.close;
      return value;
    },
  };
}

/** Average true range: Wilder's average of the true range; first value on bar `period`. */
export function createAtr(period: number = INDICATOR_DEFAULTS.period): Indicator {
  const trueRange = createTrueRange();
  const average = createWilderAverage(period);
  return {
    update(bar) {
      const tr = trueRange.update(bar);
      return Number.isNaN(tr) ? NaN : average(tr);
    },
  };
}

/**
 * Relative strength index with Wilder's smoothing of gains and losses; first value on bar
 * `period`. 100 when there were no losses, 50 when the price did not move at all.
 */
export function createRsi(period: number = INDICATOR_DEFAULTS.period): Indicator {
  let previous: number | null = null;
  const gains = createWilderAverage(period);
  const losses = createWilderAverage(period);
  return {
    update(bar) {
      if (previous === null) {
        previous = bar.close;
        return NaN;
      }
      const change = bar.close - previous;
      previous = bar.close;
      const gain = gains(Math.max(change, 0));
      const loss = losses(Math.max(-change, 0));
      if (Number.isNaN(gain)) return NaN;
      if (loss === 0) return gain === 0 ? 50 : 100;
      return 100 - 100 / (1 + gain / loss);
    },
  };
}

/**
 * Wilder's average directional index. From the second bar: +DM, −DM and the true range, summed
 * with Wilder's running sum (first value: the sum of `period` values, then S − S/period + x),
 * DI± = 100·DM±/TR, DX = 100·|DI+ − DI−| / (DI+ + DI−); ADX is Wilder's average of DX. First
 * value on bar 2·period − 1 (TA-Lib's convention).
 */
export function createAdx(period: number = INDICATOR_DEFAULTS.period): Indicator {
  assertPeriod(period, 'period', 1);
  let previous: Bar | null = null;
  let count = 0;
  let trSum = 0;
  let plusSum = 0;
  let minusSum = 0;
  const adx = createWilderAverage(period);
  return {
    update(bar) {
      if (previous === null) {
        previous = bar;
        return NaN;
      }
      const up = bar.high - previous.high;
      const down = previous.low - bar.low;
      const plusDm = up > down && up > 0 ? up : 0;
      const minusDm = down > up && down > 0 ? down : 0;
      const tr = Math.max(
        bar.high - bar.low,
        Math.abs(bar.high - previous.close),
        Math.abs(bar.low - previous.close),
      );
      previous = bar;
      count += 1;
      const smooth = (sum: number, x: number) =>
        count <= period ? sum + x : sum - sum / period + x;
      trSum = smooth(trSum, tr);
      plusSum = smooth(plusSum, plusDm);
      minusSum = smooth(minusSum, minusDm);
      if (count < period) return NaN;
      const plusDi = trSum === 0 ? 0 : (100 * plusSum) / trSum;
      const minusDi = trSum === 0 ? 0 : (100 * minusSum) / trSum;
      const diSum = plusDi + minusDi;
      const dx = diSum === 0 ? 0 : (100 * Math.abs(plusDi - minusDi)) / diSum;
      return adx(dx);
    },
  };
}

/** Runs an indicator over a whole series: values[t] is what it returned after bars[t]. */
export function indicatorSeries(bars: readonly Bar[], indicator: Indicator): number[] {
  return bars.map((bar) => indicator.update(bar));
}

function assertPeriod(value: number, name: string, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`indicators: ${name} must be an integer ≥ ${min} (got ${value})`);
  }
}
