import type { Clock } from '../clock.ts';
import { TIMEFRAME_MS, type Bar, type Timeframe } from '../market-data/bar.ts';
import type { MarketData } from '../market-data/market-data.ts';
import type { AlpacaClient } from './alpaca-client.ts';

interface AlpacaBar {
  t: string;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
}
interface StockBarsPage {
  bars: AlpacaBar[] | null;
  next_page_token: string | null;
}
interface CryptoBarsPage {
  bars: Record<string, AlpacaBar[] | undefined> | null;
  next_page_token: string | null;
}

/** Alpaca market data for the profile's asset class and timeframe. */
export interface AlpacaMarketDataOptions {
  client: AlpacaClient;
  assetClass: 'stocks' | 'crypto';
  timeframe: Timeframe;
  clock: Clock;
  /** Stock feed: `iex` (free plans) or `sip`. Default iex. */
  feed?: 'iex' | 'sip';
  /** Pages read per call at most. Default 20. */
  maxPages?: number;
}

const DAY_MS = 86_400_000;
const PAGE_LIMIT = 10_000;

/**
 * MarketData over Alpaca: GET /v2/stocks/{symbol}/bars or GET /v1beta3/crypto/us/bars,
 * following next_page_token. `history` asks for the newest bars first (sort=desc) from far
 * enough back to cover closed markets; a bar still in progress (it ends after the clock) is
 * dropped, so only completed bars reach the trader.
 */
export function createAlpacaMarketData(options: AlpacaMarketDataOptions): MarketData {
  const { client, assetClass, timeframe, clock } = options;
  const barMs = TIMEFRAME_MS[timeframe];
  const maxPages = options.maxPages ?? 20;

  const page = async (
    symbol: string,
    query: Record<string, string | number | undefined>,
  ): Promise<{ bars: AlpacaBar[]; next: string | null }> => {
    if (assetClass === 'crypto') {
      const body = await client.data<CryptoBarsPage>('/v1beta3/crypto/us/bars', {
        ...query,
        symbols: symbol,
      });
      return { bars: body.bars?.[symbol] ?? [], next: body.next_page_token };
    }
    const body = await client.data<StockBarsPage>(`/v2/stocks/${encodeURIComponent(symbol)}/bars`, {
      ...query,
      feed: options.feed ?? 'iex',
      adjustment: 'raw',
    });
    return { bars: body.bars ?? [], next: body.next_page_token };
  };

  const fetchBars = async (
    symbol: string,
    query: { start: number; sort: 'asc' | 'desc' },
    wanted: number,
  ): Promise<Bar[]> => {
    const bars: Bar[] = [];
    let token: string | undefined;
    for (let n = 0; n < maxPages && bars.length < wanted; n++) {
      const result = await page(symbol, {
        timeframe,
        start: new Date(query.start).toISOString(),
        end: new Date(clock.now()).toISOString(),
        limit: Math.min(PAGE_LIMIT, wanted - bars.length),
        sort: query.sort,
        page_token: token,
      });
      bars.push(...result.bars.map(toBar));
      if (result.next === null || result.next === '') break;
      token = result.next;
    }
    const now = clock.now();
    return bars.filter((bar) => bar.timestamp + barMs <= now);
  };

  return {
    async history(symbol, limit) {
      if (limit <= 0) return [];
      const start = clock.now() - lookbackSpan(limit);
      const newestFirst = await fetchBars(symbol, { start, sort: 'desc' }, limit + 1);
      return newestFirst.reverse().slice(-limit);
    },
    async barsSince(symbol, after) {
      const bars = await fetchBars(symbol, { start: after + 1, sort: 'asc' }, Infinity);
      return bars.filter((bar) => bar.timestamp > after);
    },
  };

  // Calendar time that holds `bars` bars: stocks trade ~6.5 h of 24 on 5 days of 7 (factor
  // ~5.2; 1.4 for daily bars), plus slack for holidays.
  function lookbackSpan(bars: number): number {
    if (assetClass === 'crypto') return bars * barMs * 1.1 + DAY_MS;
    if (timeframe === '1Day') return bars * barMs * 1.6 + 5 * DAY_MS;
    return bars * barMs * 6 + 5 * DAY_MS;
  }
}

function toBar(bar: AlpacaBar): Bar {
  return {
    timestamp: Date.parse(bar.t),
    open: bar.o,
    high: bar.h,
    low: bar.l,
    close: bar.c,
    volume: bar.v,
  };
}
