import type { Bar } from '../market-data/bar.ts';
import {
  BrokerError,
  type Account,
  type Broker,
  type Fill,
  type MarketOrder,
  type Position,
} from './broker.ts';

/** Costs and starting balance of the paper account. */
export interface PaperBrokerOptions {
  /** Starting cash. Default 100 000. */
  initialCash?: number;
  /** Commission as a fraction of the traded notional. Default 0. */
  feeRate?: number;
  /** Slippage in basis points: buys fill this much above the mark, sells below. Default 0. */
  slippageBps?: number;
  /** Epoch ms of fills when no bar has been seen yet. Default 0. */
  now?: () => number;
}

/** The paper broker, plus what a simulator needs on top of the port. */
export interface PaperBroker extends Broker {
  /** Marks `symbol` at `price` (the bar close, through observeBar, or directly). */
  mark(symbol: string, price: number, timestamp?: number): void;
  observeBar(symbol: string, bar: Bar): void;
  /** Fees paid since the start. */
  feesPaid(): number;
}

/**
 * A paper account. Market orders fill immediately at the last mark, moved against the trader by
 * the slippage, and pay the fee in cash. Shorts are allowed (the risk gates bound them).
 * Accounting holds at every moment by construction: equity = cash + Σ quantity × mark.
 */
export function createPaperBroker(options: PaperBrokerOptions = {}): PaperBroker {
  const feeRate = options.feeRate ?? 0;
  const slippage = (options.slippageBps ?? 0) / 10_000;
  if (!(feeRate >= 0 && slippage >= 0)) throw new Error('paper broker: costs must be ≥ 0');
  let cash = options.initialCash ?? 100_000;
  let fees = 0;
  let sequence = 0;
  let clock = options.now?.() ?? 0;
  const marks = new Map<string, number>();
  const holdings = new Map<string, { quantity: number; averageEntryPrice: number }>();

  const positions = (): Position[] =>
    [...holdings.entries()].map(([symbol, { quantity, averageEntryPrice }]) => {
      const marketPrice = marks.get(symbol)!;
      return {
        symbol,
        quantity,
        averageEntryPrice,
        marketPrice,
        marketValue: quantity * marketPrice,
      };
    });

  const mark = (symbol: string, price: number, timestamp?: number) => {
    if (!(Number.isFinite(price) && price > 0)) {
      throw new Error(`paper broker: mark of ${symbol} must be a positive price (got ${price})`);
    }
    marks.set(symbol, price);
    if (timestamp !== undefined) clock = Math.max(clock, timestamp);
  };

  return {
    mark,
    observeBar: (symbol, bar) => mark(symbol, bar.close, bar.timestamp),
    feesPaid: () => fees,
    account(): Promise<Account> {
      const value = positions().reduce((sum, p) => sum + p.marketValue, 0);
      return Promise.resolve({ cash, equity: cash + value });
    },
    positions: () => Promise.resolve(positions()),
    submitMarketOrder(order: MarketOrder): Promise<Fill> {
      const markPrice = marks.get(order.symbol);
      if (markPrice === undefined) {
        return Promise.reject(new BrokerError(`paper broker: no price for ${order.symbol} yet`));
      }
      if (!(Number.isFinite(order.quantity) && order.quantity > 0)) {
        return Promise.reject(new BrokerError('paper broker: quantity must be positive'));
      }
      const direction = order.side === 'buy' ? 1 : -1;
      const price = markPrice * (1 + direction * slippage);
      const notional = order.quantity * price;
      const fee = notional * feeRate;
      cash -= direction * notional + fee;
      fees += fee;
      const held = holdings.get(order.symbol) ?? { quantity: 0, averageEntryPrice: 0 };
      const quantity = held.quantity + direction * order.quantity;
      if (Math.abs(quantity) < 1e-12) {
        holdings.delete(order.symbol);
      } else {
        // The entry price moves only when the position grows; it resets when it flips side.
        const grows = Math.sign(held.quantity) === direction || held.quantity === 0;
        const flips = Math.sign(quantity) !== Math.sign(held.quantity) && held.quantity !== 0;
        const averageEntryPrice = flips
          ? price
          : grows
            ? (held.averageEntryPrice * Math.abs(held.quantity) + price * order.quantity) /
              Math.abs(quantity)
            : held.averageEntryPrice;
        holdings.set(order.symbol, { quantity, averageEntryPrice });
      }
      sequence += 1;
      return Promise.resolve({
        orderId: `paper-${sequence}`,
        clientOrderId: order.clientOrderId ?? null,
        symbol: order.symbol,
        side: order.side,
        quantity: order.quantity,
        price,
        fee,
        timestamp: clock,
        status: 'filled',
      });
    },
  };
}
