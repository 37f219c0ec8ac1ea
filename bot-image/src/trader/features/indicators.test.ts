import { describe, expect, it } from 'vitest';
import type { Bar } from '../market-data/bar.ts';
import {
  createAdx,
  createAtr,
  createLogReturn,
  createRealizedVolatility,
  createRsi,
  createTrueRange,
  indicatorSeries,
  type Indicator,
} from './indicators.ts';

/** [high, low, close]; open is irrelevant to every indicator here. */
const hlc: [number, number, number][] = [
  [10, 8, 9],
  [11, 9, 10],
  [12, 9, 11],
  [11, 8, 9],
  [13, 10, 12],
  [12, 10, 11],
];
const bars: Bar[] = hlc.map(([high, low, close], t) => ({
  timestamp: t * 60_000,
  open: close,
  high,
  low,
  close,
  volume: 1,
}));

// Worked by hand with period 3 (window 3 for the volatility):
//  TR from bar 1: 2, 3, 3, 4, 2 → ATR₃ = 8/3, (8/3·2 + 4)/3 = 28/9, (28/9·2 + 2)/3 = 74/27.
//  Changes +1 +1 −2 +3 −1 → avg gain/loss 2/3 & 2/3 (RSI 50), 13/9 & 4/9 (RS 13/4),
//  26/27 & 17/27 (RS 26/17).
//  +DM 1 1 0 2 0, −DM 0 0 1 0 0; Wilder sums at bar 3: TR 8, +DM 2, −DM 1 → DX 33.33; bar 4:
//  TR 28/3, +DM 10/3, −DM 2/3 → DX 66.67; bar 5: 74/9, 20/9, 4/9 → DX 66.67; ADX = mean = 500/9.
//  Log returns ln(10/9), ln(11/10), ln(9/11), ln(12/9), ln(11/12); sample std of each 3.
const cases: { name: string; make: () => Indicator; want: number[] }[] = [
  {
    name: 'log return',
    make: createLogReturn,
    want: [
      NaN,
      Math.log(10 / 9),
      Math.log(11 / 10),
      Math.log(9 / 11),
      Math.log(12 / 9),
      Math.log(11 / 12),
    ],
  },
  {
    name: 'realized volatility (window 3)',
    make: () => createRealizedVolatility(3),
    want: [NaN, NaN, NaN, 0.17385855839, 0.24600137179, 0.25553931454],
  },
  { name: 'true range', make: createTrueRange, want: [NaN, 2, 3, 3, 4, 2] },
  { name: 'ATR (3)', make: () => createAtr(3), want: [NaN, NaN, NaN, 8 / 3, 28 / 9, 74 / 27] },
  {
    name: 'RSI (3)',
    make: () => createRsi(3),
    want: [NaN, NaN, NaN, 50, 100 - 100 / (1 + 13 / 4), 100 - 100 / (1 + 26 / 17)],
  },
  { name: 'ADX (3)', make: () => createAdx(3), want: [NaN, NaN, NaN, NaN, NaN, 500 / 9] },
];

describe('indicators against hand computations', () => {
  it.each(cases)('$name', ({ make, want }) => {
    const got = indicatorSeries(bars, make());
    expect(got).toHaveLength(want.length);
    got.forEach((value, t) => {
      if (Number.isNaN(want[t]!)) expect(value, `bar ${t}`).toBeNaN();
      else expect(value, `bar ${t}`).toBeCloseTo(want[t]!, 9);
    });
  });

  it.each(cases)(
    '$name is causal: changing later bars never changes earlier values',
    ({ make }) => {
      const full = indicatorSeries(bars, make());
      const altered = bars.map((bar, t) =>
        t >= 4 ? { ...bar, high: bar.high * 3, low: bar.low / 2, close: bar.close * 2 } : bar,
      );
      const changed = indicatorSeries(altered, make());
      expect(changed.slice(0, 4)).toEqual(full.slice(0, 4));
    },
  );

  it('RSI is 100 without losses and 50 on a flat series', () => {
    const rising = [1, 2, 3, 4].map((close, t) => ({ ...bars[0]!, timestamp: t, close }));
    expect(indicatorSeries(rising, createRsi(3))[3]).toBe(100);
    const flat = [5, 5, 5, 5].map((close, t) => ({ ...bars[0]!, timestamp: t, close }));
    expect(indicatorSeries(flat, createRsi(3))[3]).toBe(50);
  });

  it('rejects a non-integer period', () => {
    expect(() => createAtr(2.5)).toThrow(/period must be an integer/);
  });
});
