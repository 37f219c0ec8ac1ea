import { riskSchema } from '@hmmtrade/crds';
import { describe, expect, it } from 'vitest';
import { evaluateOrder, type ProposedOrder, type RiskSnapshot } from './risk-gates.ts';

const limits = riskSchema.parse({
  maxPositionPct: 0.2,
  maxExposurePct: 0.5,
  maxDailyDrawdownPct: 0.04,
  maxTradesPerDay: 3,
  maxLeverage: 1,
});
const flat: RiskSnapshot = {
  equity: 100_000,
  dayStartEquity: 100_000,
  tradesToday: 0,
  positionQuantity: 0,
  grossExposure: 0,
};
const buy = (quantity: number, price = 100): ProposedOrder => ({
  symbol: 'SPY',
  side: 'buy',
  quantity,
  price,
});
const sell = (quantity: number): ProposedOrder => ({ ...buy(quantity), side: 'sell' });

describe('risk gates', () => {
  const rejections: {
    name: string;
    order: ProposedOrder;
    snapshot: Partial<RiskSnapshot>;
    limits?: Partial<typeof limits>;
    gate: string;
    reason: string;
  }[] = [
    {
      name: 'the day’s trades are used up',
      order: buy(10),
      snapshot: { tradesToday: 3 },
      gate: 'maxTradesPerDay',
      reason: '3 trades today reached the limit of 3',
    },
    {
      name: 'the day’s loss reached the drawdown limit',
      order: buy(10),
      snapshot: { equity: 95_000 },
      gate: 'maxDailyDrawdownPct',
      reason:
        'daily drawdown 5.00% reached the limit of 4.00%: no new risk until the next trading day',
    },
    {
      name: 'the position would exceed maxPositionPct',
      order: buy(150),
      snapshot: { positionQuantity: 100, grossExposure: 10_000 },
      gate: 'maxPositionPct',
      reason: 'SPY would be 25.00% of equity, above the limit of 20.00%',
    },
    {
      name: 'a short would exceed maxPositionPct',
      order: sell(250),
      snapshot: {},
      gate: 'maxPositionPct',
      reason: 'SPY would be 25.00% of equity, above the limit of 20.00%',
    },
    {
      name: 'gross exposure would exceed maxExposurePct',
      order: buy(200),
      snapshot: { grossExposure: 35_000 },
      gate: 'maxExposurePct',
      reason: 'gross exposure would be 55.00% of equity, above the limit of 50.00%',
    },
    {
      name: 'leverage would exceed maxLeverage',
      order: buy(200),
      snapshot: { grossExposure: 35_000 },
      limits: { maxExposurePct: 1, maxLeverage: 0.5 },
      gate: 'maxLeverage',
      reason: 'leverage would be 0.55x, above the limit of 0.50x',
    },
    {
      name: 'equity is gone',
      order: buy(1),
      snapshot: { equity: -10, dayStartEquity: -10 },
      gate: 'maxLeverage',
      reason: 'equity -10.00 is not positive: no new risk',
    },
  ];
  it.each(rejections)('rejects when $name, with its reason', (c) => {
    const decision = evaluateOrder(c.order, { ...flat, ...c.snapshot }, { ...limits, ...c.limits });
    expect(decision).toEqual({ approved: false, gate: c.gate, reason: c.reason });
  });

  it('approves an order within every limit unchanged', () => {
    expect(evaluateOrder(buy(200), flat, limits)).toEqual({
      approved: true,
      order: buy(200),
      adjustments: [],
    });
  });

  it('halves a risk-increasing order past half the drawdown limit', () => {
    const decision = evaluateOrder(buy(100), { ...flat, equity: 97_500 }, limits);
    expect(decision).toEqual({
      approved: true,
      order: buy(50),
      adjustments: ['daily drawdown 2.50% is past half the limit of 4.00%: order size halved'],
    });
  });

  it.each([
    { name: 'trades used up', snapshot: { tradesToday: 99 } },
    { name: 'drawdown halt', snapshot: { equity: 50_000 } },
    { name: 'oversized position', snapshot: { positionQuantity: 400, grossExposure: 40_000 } },
  ])('always lets a reducing order through ($name)', ({ snapshot }) => {
    const position = { ...flat, positionQuantity: 400, grossExposure: 40_000, ...snapshot };
    expect(evaluateOrder(sell(400), position, limits)).toMatchObject({ approved: true });
    expect(evaluateOrder(sell(100), position, limits)).toMatchObject({ approved: true });
  });

  it('treats flipping a position through zero as new risk', () => {
    const long = { ...flat, positionQuantity: 100, grossExposure: 10_000, tradesToday: 3 };
    expect(evaluateOrder(sell(150), long, limits)).toMatchObject({
      approved: false,
      gate: 'maxTradesPerDay',
    });
  });

  it('accepts an order sized exactly at the limit', () => {
    expect(evaluateOrder(buy(200), flat, limits)).toMatchObject({ approved: true });
    expect(evaluateOrder(buy(200.001), flat, limits)).toMatchObject({ gate: 'maxPositionPct' });
  });
});
