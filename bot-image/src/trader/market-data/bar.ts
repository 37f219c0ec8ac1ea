import type { TradingBotSpec } from '@hmmtrade/crds';

/** A bar size the profile may choose (Alpaca's spelling). */
export type Timeframe = TradingBotSpec['profile']['timeframe'];

/** One OHLCV bar. `timestamp` is the bar's start, in epoch milliseconds (as Alpaca's `t`). */
export interface Bar {
  timestamp: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const MINUTE_MS = 60_000;

/** Length of one bar of each timeframe, in milliseconds. */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1Min': MINUTE_MS,
  '5Min': 5 * MINUTE_MS,
  '15Min': 15 * MINUTE_MS,
  '30Min': 30 * MINUTE_MS,
  '1Hour': 60 * MINUTE_MS,
  '1Day': 1440 * MINUTE_MS,
};

/** Where the day boundary (risk day, daily summary) falls for an asset class. */
export function tradingTimeZone(assetClass: 'stocks' | 'crypto'): string {
  return assetClass === 'stocks' ? 'America/New_York' : 'UTC';
}

/** Maps a timestamp to its calendar date (YYYY-MM-DD) in `timeZone`. */
export function createDayKey(timeZone: string): (timestamp: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return (timestamp) => {
    const parts = format.formatToParts(new Date(timestamp));
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${get('year')}-${get('month')}-${get('day')}`;
  };
}

/**
 * Bars per year of a timeframe, for annualising: crypto trades 365 × 24 h; stocks 252 sessions
 * of 6.5 h (one bar per session for 1Day).
 */
export function barsPerYear(timeframe: Timeframe, assetClass: 'stocks' | 'crypto'): number {
  const minutes = TIMEFRAME_MS[timeframe] / MINUTE_MS;
  if (assetClass === 'crypto') return (365 * 1440) / minutes;
  if (timeframe === '1Day') return 252;
  return (252 * 390) / minutes;
}
