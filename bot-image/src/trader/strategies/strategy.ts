import type { TradingBotSpec } from '@hmmtrade/crds';

/** A strategy a regime can be routed to. */
export type StrategyName = TradingBotSpec['profile']['routing'][string];

/** What a strategy sees for one symbol on one bar. */
export interface StrategyContext {
  /** Recent closes of the symbol, oldest first, the current bar's last. */
  closes: readonly number[];
  /** The symbol's position now, as a signed fraction of equity. */
  currentWeight: number;
  /** The largest position the risk profile allows, as a fraction of equity. */
  maxPositionPct: number;
}

/** Turns a symbol's recent prices into the position it should hold. */
export interface Strategy {
  readonly name: StrategyName;
  /** Closes a strategy needs before it can form a view; with fewer it asks for no position. */
  readonly minHistory: number;
  /** Target position as a signed fraction of equity, within ±maxPositionPct. */
  targetWeight(context: StrategyContext): number;
}

/** Simple moving average of the last `length` values; NaN with fewer. */
export function sma(values: readonly number[], length: number): number {
  if (values.length < length || length < 1) return NaN;
  let sum = 0;
  for (let i = values.length - length; i < values.length; i++) sum += values[i]!;
  return sum / length;
}

/** Population standard deviation of the last `length` values; NaN with fewer. */
export function rollingStd(values: readonly number[], length: number): number {
  const mean = sma(values, length);
  if (Number.isNaN(mean)) return NaN;
  let squares = 0;
  for (let i = values.length - length; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return Math.sqrt(squares / length);
}
