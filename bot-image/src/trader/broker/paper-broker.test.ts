import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../hmm/seeded-rng.ts';
import { BrokerError } from './broker.ts';
import { createPaperBroker } from './paper-broker.ts';

const symbols = ['AAA', 'BBB', 'CCC'];

describe('paper broker', () => {
  it.each([
    { name: 'without costs', feeRate: 0, slippageBps: 0 },
    { name: 'with fees and slippage', feeRate: 0.001, slippageBps: 5 },
  ])(
    'keeps cash + Σ market value = equity at every bar of a random walk ($name)',
    async (costs) => {
      const rng = createSeededRng(42);
      const broker = createPaperBroker({ initialCash: 50_000, ...costs });
      const prices = new Map(symbols.map((s, i) => [s, 50 * (i + 1)]));
      // An independent ledger: equity moves only by P&L on held quantities and by trading costs.
      let expectedEquity = 50_000;
      const held = new Map<string, number>();
      let feesCharged = 0;
      for (let bar = 0; bar < 400; bar++) {
        for (const symbol of symbols) {
          const previous = prices.get(symbol)!;
          const price = previous * Math.exp(0.02 * rng.normal());
          expectedEquity += (held.get(symbol) ?? 0) * (price - previous);
          prices.set(symbol, price);
          broker.mark(symbol, price, bar * 60_000);
        }
        if (rng.uniform() < 0.6) {
          const symbol = symbols[rng.integer(symbols.length)]!;
          const side = rng.uniform() < 0.5 ? 'buy' : 'sell';
          const quantity = Math.round(rng.uniform() * 50 * 1000) / 1000 + 0.001;
          const fill = await broker.submitMarketOrder({ symbol, side, quantity });
          const price = prices.get(symbol)!;
          const direction = side === 'buy' ? 1 : -1;
          expect(fill.price).toBeCloseTo(price * (1 + (direction * costs.slippageBps) / 10_000), 9);
          const cost = fill.fee + quantity * Math.abs(fill.price - price);
          feesCharged += fill.fee;
          expectedEquity -= cost;
          held.set(symbol, (held.get(symbol) ?? 0) + direction * quantity);
        }
        const account = await broker.account();
        const positions = await broker.positions();
        const marketValue = positions.reduce((sum, p) => sum + p.marketValue, 0);
        expect(account.cash + marketValue).toBeCloseTo(account.equity, 6);
        expect(account.equity).toBeCloseTo(expectedEquity, 6);
        for (const p of positions) {
          expect(p.quantity).toBeCloseTo(held.get(p.symbol)!, 9);
          expect(p.marketValue).toBeCloseTo(p.quantity * prices.get(p.symbol)!, 9);
        }
      }
      expect(broker.feesPaid()).toBeCloseTo(feesCharged, 9);
      if (costs.feeRate > 0) expect(feesCharged).toBeGreaterThan(0);
    },
  );

  it('fills at the mark, tracks the entry price and removes a closed position', async () => {
    const broker = createPaperBroker({ initialCash: 10_000 });
    broker.mark('AAA', 100, 1_000);
    await broker.submitMarketOrder({
      symbol: 'AAA',
      side: 'buy',
      quantity: 10,
      clientOrderId: 'c1',
    });
    broker.mark('AAA', 110, 2_000);
    const fill = await broker.submitMarketOrder({ symbol: 'AAA', side: 'buy', quantity: 10 });
    expect(fill).toMatchObject({ price: 110, quantity: 10, status: 'filled', timestamp: 2_000 });
    expect(await broker.positions()).toEqual([
      { symbol: 'AAA', quantity: 20, averageEntryPrice: 105, marketPrice: 110, marketValue: 2_200 },
    ]);
    await broker.submitMarketOrder({ symbol: 'AAA', side: 'sell', quantity: 20 });
    expect(await broker.positions()).toEqual([]);
    expect(await broker.account()).toEqual({ cash: 10_100, equity: 10_100 });
  });

  it('refuses an order for a symbol it has no price for', async () => {
    const broker = createPaperBroker();
    await expect(
      broker.submitMarketOrder({ symbol: 'ZZZ', side: 'buy', quantity: 1 }),
    ).rejects.toBeInstanceOf(BrokerError);
  });
});
