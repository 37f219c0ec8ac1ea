import type { Sleep } from '../clock.ts';
import type { AlpacaClient } from './alpaca-client.ts';
import {
  BrokerError,
  type Account,
  type Broker,
  type Fill,
  type MarketOrder,
  type Position,
} from './broker.ts';

/** Alpaca's account, positions and orders as JSON (numbers arrive as strings). */
interface AlpacaAccount {
  cash: string;
  equity: string;
}
interface AlpacaPosition {
  symbol: string;
  qty: string;
  side: 'long' | 'short';
  avg_entry_price: string;
  current_price: string;
  market_value: string;
}
interface AlpacaOrder {
  id: string;
  client_order_id: string | null;
  symbol: string;
  side: 'buy' | 'sell';
  status: string;
  filled_qty: string | null;
  filled_avg_price: string | null;
  filled_at: string | null;
  updated_at: string | null;
}

/** How the adapter submits and waits. */
export interface AlpacaBrokerOptions {
  client: AlpacaClient;
  assetClass: 'stocks' | 'crypto';
  /** The profile's symbols; Alpaca reports crypto positions without the slash (BTCUSD). */
  symbols: readonly string[];
  sleep: Sleep;
  /** Between two order status polls. Default 500 ms. */
  pollIntervalMs?: number;
  /** Polls before answering 'pending'. Default 20. */
  maxPolls?: number;
}

const TERMINAL_FAILURES = new Set(['canceled', 'expired', 'rejected', 'suspended']);

/**
 * The Broker port over Alpaca's trading API: GET /v2/account, GET /v2/positions, POST
 * /v2/orders (market; time in force `day` for stocks, `gtc` for crypto), then GET
 * /v2/orders/{id} until it is filled, fails, or the polls run out.
 */
export function createAlpacaBroker(options: AlpacaBrokerOptions): Broker {
  const { client } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const maxPolls = options.maxPolls ?? 20;
  const bySlashless = new Map(options.symbols.map((s) => [s.replace('/', ''), s]));

  const toFill = (order: AlpacaOrder, status: Fill['status']): Fill => ({
    orderId: order.id,
    clientOrderId: order.client_order_id,
    symbol: bySlashless.get(order.symbol.replace('/', '')) ?? order.symbol,
    side: order.side,
    quantity: num(order.filled_qty ?? '0'),
    price: num(order.filled_avg_price ?? '0'),
    fee: 0,
    timestamp: Date.parse(order.filled_at ?? order.updated_at ?? '') || 0,
    status,
  });

  return {
    async account(): Promise<Account> {
      const account = await client.trading<AlpacaAccount>('GET', '/v2/account');
      return { cash: num(account.cash), equity: num(account.equity) };
    },
    async positions(): Promise<Position[]> {
      const positions = await client.trading<AlpacaPosition[]>('GET', '/v2/positions');
      return positions.map((p) => {
        const quantity = Math.abs(num(p.qty)) * (p.side === 'short' ? -1 : 1);
        return {
          symbol: bySlashless.get(p.symbol.replace('/', '')) ?? p.symbol,
          quantity,
          averageEntryPrice: num(p.avg_entry_price),
          marketPrice: num(p.current_price),
          marketValue: num(p.market_value),
        };
      });
    },
    async submitMarketOrder(order: MarketOrder): Promise<Fill> {
      let current = await client.trading<AlpacaOrder>('POST', '/v2/orders', {
        symbol: order.symbol,
        qty: formatQuantity(order.quantity),
        side: order.side,
        type: 'market',
        time_in_force: options.assetClass === 'crypto' ? 'gtc' : 'day',
        ...(order.clientOrderId === undefined ? {} : { client_order_id: order.clientOrderId }),
      });
      for (let poll = 0; ; poll++) {
        if (current.status === 'filled') return toFill(current, 'filled');
        if (TERMINAL_FAILURES.has(current.status)) {
          if (num(current.filled_qty ?? '0') > 0) return toFill(current, 'partially_filled');
          throw new BrokerError(`alpaca: order ${current.id} ${current.status}`);
        }
        if (poll >= maxPolls) {
          const partial = num(current.filled_qty ?? '0') > 0;
          return toFill(current, partial ? 'partially_filled' : 'pending');
        }
        await options.sleep(pollIntervalMs);
        current = await client.trading<AlpacaOrder>(
          'GET',
          `/v2/orders/${encodeURIComponent(current.id)}`,
        );
      }
    },
  };
}

function num(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new BrokerError(`alpaca: '${value}' is not a number`);
  return parsed;
}

/** Up to 9 decimals (Alpaca's precision), without exponent notation. */
function formatQuantity(quantity: number): string {
  return quantity.toFixed(9).replace(/\.?0+$/, '');
}
