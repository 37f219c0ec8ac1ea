import type { Bar } from './bar.ts';

/**
 * Where the trader reads bars. Only completed bars are returned (a bar whose period has not
 * ended yet is never handed out), oldest first, each symbol on its own.
 */
export interface MarketData {
  /** The latest `limit` completed bars of `symbol` (fewer when less history exists). */
  history(symbol: string, limit: number): Promise<Bar[]>;
  /** Completed bars of `symbol` that start strictly after `after` (epoch ms). */
  barsSince(symbol: string, after: number): Promise<Bar[]>;
}
