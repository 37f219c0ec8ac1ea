import type { Bar } from '../market-data/bar.ts';

/** Cash and equity of the account, in the account currency. */
export interface Account {
  cash: number;
  /** Cash plus the market value of every position. */
  equity: number;
}

/** One open position. */
export interface Position {
  symbol: string;
  /** Signed: negative for a short. */
  quantity: number;
  averageEntryPrice: number;
  /** The price the position is marked at. */
  marketPrice: number;
  /** quantity × marketPrice (negative for a short). */
  marketValue: number;
}

/** A market order. `quantity` is positive; `side` gives the direction. */
export interface MarketOrder {
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number;
  /** Idempotency key the broker echoes back (Alpaca's client_order_id). */
  clientOrderId?: string;
}

/** What became of a submitted order. */
export interface Fill {
  orderId: string;
  clientOrderId: string | null;
  symbol: string;
  side: 'buy' | 'sell';
  /** Filled quantity; less than ordered when `status` is not 'filled'. */
  quantity: number;
  /** Average fill price (0 when nothing filled). */
  price: number;
  /** Commission charged, in the account currency. */
  fee: number;
  /** Epoch ms of the fill (or of the last status seen). */
  timestamp: number;
  /** 'pending' when the broker had not finished the order by the time we stopped waiting. */
  status: 'filled' | 'partially_filled' | 'pending';
}

/** A broker refused or failed an order or request; `status` is the HTTP status when known. */
export class BrokerError extends Error {
  readonly status: number | null;
  constructor(message: string, status: number | null = null, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BrokerError';
    this.status = status;
  }
}

/** Where orders go: the paper broker, or a real one behind an adapter. */
export interface Broker {
  account(): Promise<Account>;
  positions(): Promise<Position[]>;
  /** Sends a market order and resolves once it filled (or the broker stopped waiting). */
  submitMarketOrder(order: MarketOrder): Promise<Fill>;
  /**
   * Told every bar the trader reads, before it trades on it. A simulated broker prices its
   * fills and marks its positions with it; a real broker has its own prices and may omit it.
   */
  observeBar?(symbol: string, bar: Bar): void;
}
