import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlpacaBroker } from './alpaca-broker.ts';
import { createAlpacaClient, type AlpacaClient } from './alpaca-client.ts';
import { createAlpacaMarketData } from './alpaca-market-data.ts';
import { BrokerError } from './broker.ts';
import { startAlpacaStub, type AlpacaStub } from './testing/alpaca-stub.ts';

const noSleep = () => Promise.resolve();
let stub: AlpacaStub;
let client: AlpacaClient;

beforeEach(async () => {
  stub = await startAlpacaStub();
  client = createAlpacaClient({
    credentials: () => Promise.resolve({ keyId: 'key-id', secretKey: 'secret' }),
    tradingBaseUrl: `${stub.url}/trading`,
    dataBaseUrl: `${stub.url}/data/`,
  });
});
afterEach(async () => {
  await stub.close();
});

const order = (status: string, filled = '0', price: string | null = null) => ({
  id: 'ord-1',
  client_order_id: 'c-1',
  symbol: 'BTC/USD',
  side: 'buy',
  status,
  filled_qty: filled,
  filled_avg_price: price,
  filled_at: status === 'filled' ? '2026-03-02T15:00:01Z' : null,
  updated_at: '2026-03-02T15:00:00Z',
});

describe('Alpaca broker adapter', () => {
  it('reads the account with the key headers, under the configured base URL', async () => {
    stub.route('GET /trading/v2/account', () => ({
      body: { cash: '1000.5', equity: '2500.25', status: 'ACTIVE' },
    }));
    const broker = createAlpacaBroker({
      client,
      assetClass: 'stocks',
      symbols: ['SPY'],
      sleep: noSleep,
    });
    expect(await broker.account()).toEqual({ cash: 1000.5, equity: 2500.25 });
    expect(stub.requests[0]!.headers['apca-api-key-id']).toBe('key-id');
    expect(stub.requests[0]!.headers['apca-api-secret-key']).toBe('secret');
  });

  it('maps positions: signed quantities and crypto symbols back to the profile’s', async () => {
    stub.route('GET /trading/v2/positions', () => ({
      body: [
        {
          symbol: 'BTCUSD',
          qty: '0.5',
          side: 'long',
          avg_entry_price: '60000',
          current_price: '61000',
          market_value: '30500',
        },
        {
          symbol: 'ETHUSD',
          qty: '-2',
          side: 'short',
          avg_entry_price: '3000',
          current_price: '2900',
          market_value: '-5800',
        },
      ],
    }));
    const broker = createAlpacaBroker({
      client,
      assetClass: 'crypto',
      symbols: ['BTC/USD', 'ETH/USD'],
      sleep: noSleep,
    });
    expect(await broker.positions()).toEqual([
      {
        symbol: 'BTC/USD',
        quantity: 0.5,
        averageEntryPrice: 60000,
        marketPrice: 61000,
        marketValue: 30500,
      },
      {
        symbol: 'ETH/USD',
        quantity: -2,
        averageEntryPrice: 3000,
        marketPrice: 2900,
        marketValue: -5800,
      },
    ]);
  });

  it('submits a market order and polls it until filled', async () => {
    const statuses = [order('partially_filled', '0.1', '60000'), order('filled', '0.25', '60010')];
    stub.route('POST /trading/v2/orders', () => ({ body: order('accepted') }));
    stub.route('GET /trading/v2/orders/ord-1', () => ({ body: statuses.shift() }));
    const broker = createAlpacaBroker({
      client,
      assetClass: 'crypto',
      symbols: ['BTC/USD'],
      sleep: noSleep,
    });
    const fill = await broker.submitMarketOrder({
      symbol: 'BTC/USD',
      side: 'buy',
      quantity: 0.25,
      clientOrderId: 'c-1',
    });
    expect(stub.requests[0]!.body).toEqual({
      symbol: 'BTC/USD',
      qty: '0.25',
      side: 'buy',
      type: 'market',
      time_in_force: 'gtc',
      client_order_id: 'c-1',
    });
    expect(fill).toEqual({
      orderId: 'ord-1',
      clientOrderId: 'c-1',
      symbol: 'BTC/USD',
      side: 'buy',
      quantity: 0.25,
      price: 60010,
      fee: 0,
      timestamp: Date.parse('2026-03-02T15:00:01Z'),
      status: 'filled',
    });
    expect(stub.requests).toHaveLength(3);
  });

  it('answers pending when the order is still open after the last poll', async () => {
    stub.route('POST /trading/v2/orders', () => ({ body: order('new') }));
    stub.route('GET /trading/v2/orders/ord-1', () => ({ body: order('new') }));
    const broker = createAlpacaBroker({
      client,
      assetClass: 'stocks',
      symbols: ['SPY'],
      sleep: noSleep,
      maxPolls: 2,
    });
    const fill = await broker.submitMarketOrder({ symbol: 'SPY', side: 'buy', quantity: 3 });
    expect(fill).toMatchObject({ status: 'pending', quantity: 0 });
    expect((stub.requests[0]!.body as { time_in_force: string }).time_in_force).toBe('day');
  });

  it('turns a refused order into a BrokerError with the status and Alpaca’s message', async () => {
    stub.route('POST /trading/v2/orders', () => ({
      status: 403,
      body: { code: 40310000, message: 'insufficient buying power' },
    }));
    const broker = createAlpacaBroker({
      client,
      assetClass: 'stocks',
      symbols: ['SPY'],
      sleep: noSleep,
    });
    const error = await broker
      .submitMarketOrder({ symbol: 'SPY', side: 'buy', quantity: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerError);
    expect(error).toMatchObject({
      status: 403,
      message: 'alpaca: POST /v2/orders: HTTP 403: insufficient buying power',
    });
  });

  it('turns a rejected order into a BrokerError', async () => {
    stub.route('POST /trading/v2/orders', () => ({ body: order('rejected') }));
    const broker = createAlpacaBroker({
      client,
      assetClass: 'stocks',
      symbols: ['SPY'],
      sleep: noSleep,
    });
    await expect(
      broker.submitMarketOrder({ symbol: 'SPY', side: 'buy', quantity: 1 }),
    ).rejects.toThrow('alpaca: order ord-1 rejected');
  });
});

describe('Alpaca market data adapter', () => {
  const minute = 60_000;
  const t0 = Date.parse('2026-03-02T15:00:00Z');
  const bar = (i: number) => ({
    t: new Date(t0 + i * 5 * minute).toISOString(),
    o: 100 + i,
    h: 101 + i,
    l: 99 + i,
    c: 100.5 + i,
    v: 1000,
  });

  it('reads stock history newest first across pages, oldest first out, without the open bar', async () => {
    // The clock is 2 minutes into bar 5: bars 0..4 are complete, bar 5 is not.
    const now = t0 + 5 * 5 * minute + 2 * minute;
    stub.route('GET /data/v2/stocks/SPY/bars', (request) =>
      request.query.page_token === undefined
        ? { body: { bars: [bar(5), bar(4), bar(3)], symbol: 'SPY', next_page_token: 'p2' } }
        : { body: { bars: [bar(2), bar(1)], symbol: 'SPY', next_page_token: null } },
    );
    const data = createAlpacaMarketData({
      client,
      assetClass: 'stocks',
      timeframe: '5Min',
      clock: { now: () => now },
    });
    const bars = await data.history('SPY', 4);
    expect(bars.map((b) => b.timestamp)).toEqual([1, 2, 3, 4].map((i) => t0 + i * 5 * minute));
    expect(bars[0]).toEqual({
      timestamp: t0 + 5 * minute,
      open: 101,
      high: 102,
      low: 100,
      close: 101.5,
      volume: 1000,
    });
    const first = stub.requests[0]!;
    expect(first.query).toMatchObject({ timeframe: '5Min', sort: 'desc', feed: 'iex', limit: '5' });
    expect(Date.parse(first.query.start!)).toBeLessThan(now - 4 * 5 * minute);
    expect(stub.requests[1]!.query.page_token).toBe('p2');
  });

  it('reads crypto bars after a timestamp from the crypto endpoint', async () => {
    const now = t0 + 3 * 5 * minute;
    stub.route('GET /data/v1beta3/crypto/us/bars', () => ({
      body: { bars: { 'BTC/USD': [bar(0), bar(1), bar(2)] }, next_page_token: null },
    }));
    const data = createAlpacaMarketData({
      client,
      assetClass: 'crypto',
      timeframe: '5Min',
      clock: { now: () => now },
    });
    const bars = await data.barsSince('BTC/USD', t0);
    expect(bars.map((b) => b.timestamp)).toEqual([t0 + 5 * minute, t0 + 10 * minute]);
    expect(stub.requests[0]!.query).toMatchObject({ symbols: 'BTC/USD', sort: 'asc' });
    expect(stub.requests[0]!.query.feed).toBeUndefined();
  });
});
