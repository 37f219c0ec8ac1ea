import { describe, expect, it } from 'vitest';
import { sizeOrder, type SizingInput } from './order-sizing.ts';

const base: SizingInput = {
  symbol: 'SPY',
  targetWeight: 0.2,
  held: 0,
  equity: 10_000,
  price: 100,
  band: 0.05,
  quantityDecimals: 3,
};

describe('sizeOrder', () => {
  it.each([
    { name: 'buys up to the target', given: {}, want: { side: 'buy', quantity: 20 } },
    {
      name: 'sells down to a lower target',
      given: { held: 30, targetWeight: 0.1 },
      want: { side: 'sell', quantity: 20 },
    },
    {
      name: 'closes everything on a zero target',
      given: { held: 0.0004, targetWeight: 0 },
      want: { side: 'sell', quantity: 0.0004 },
    },
    {
      name: 'covers a short on a zero target',
      given: { held: -5, targetWeight: 0 },
      want: { side: 'buy', quantity: 5 },
    },
    {
      name: 'rounds toward zero to the decimals',
      given: { price: 30 },
      want: { side: 'buy', quantity: 66.666 },
    },
    {
      name: 'is not fooled by float dust',
      given: { equity: 0.7, price: 0.1, targetWeight: 0.3 },
      want: { side: 'buy', quantity: 2.1 },
    },
    { name: 'stays put within the band', given: { held: 17 }, want: null },
    { name: 'stays flat on a zero target', given: { targetWeight: 0 }, want: null },
    {
      name: 'treats a non-finite target as zero',
      given: { targetWeight: NaN, held: 2 },
      want: { side: 'sell', quantity: 2 },
    },
    { name: 'does not buy without equity', given: { equity: 0 }, want: null },
  ])('$name', ({ given, want }) => {
    const order = sizeOrder({ ...base, ...given });
    if (want === null) expect(order).toBeNull();
    else expect(order).toMatchObject({ symbol: 'SPY', ...want, price: given.price ?? 100 });
  });
});
