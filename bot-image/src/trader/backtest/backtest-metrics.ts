/** One point of the equity curve. */
export interface EquityPoint {
  timestamp: number;
  equity: number;
  /** The primary symbol's reported regime at that bar (null before one is established). */
  regime: string | null;
}

/** Performance of a backtest over its traded (out-of-sample) bars. */
export interface BacktestMetrics {
  startEquity: number;
  endEquity: number;
  /** endEquity / startEquity − 1. */
  totalReturn: number;
  /** Largest peak-to-trough fall as a fraction of the peak (0 … 1). */
  maxDrawdown: number;
  /** Mean over standard deviation of per-bar returns, × √(bars per year); 0 when flat. */
  sharpe: number;
  /** Orders sent to the broker. */
  trades: number;
  /** Orders the risk gates (or the broker) refused. */
  rejections: number;
  /** Commissions and slippage paid. */
  fees: number;
  /** Bars traded (after the first fit). */
  bars: number;
  /** Per symbol: share of traded bars in each reported regime (`none` before one held). */
  timeInRegime: Record<string, Record<string, number>>;
}

/** Total return, max drawdown and annualised Sharpe of an equity curve. */
export function equityMetrics(
  equity: readonly number[],
  barsPerYear: number,
): Pick<BacktestMetrics, 'startEquity' | 'endEquity' | 'totalReturn' | 'maxDrawdown' | 'sharpe'> {
  const start = equity[0] ?? 0;
  const end = equity[equity.length - 1] ?? 0;
  let peak = -Infinity;
  let maxDrawdown = 0;
  for (const value of equity) {
    peak = Math.max(peak, value);
    if (peak > 0) maxDrawdown = Math.max(maxDrawdown, (peak - value) / peak);
  }
  const returns = equity.slice(1).map((value, i) => value / equity[i]! - 1);
  const mean = returns.reduce((a, b) => a + b, 0) / Math.max(returns.length, 1);
  const variance =
    returns.reduce((sum, r) => sum + (r - mean) ** 2, 0) / Math.max(returns.length - 1, 1);
  const std = Math.sqrt(variance);
  return {
    startEquity: start,
    endEquity: end,
    totalReturn: start > 0 ? end / start - 1 : 0,
    maxDrawdown,
    sharpe: std > 1e-15 ? (mean / std) * Math.sqrt(barsPerYear) : 0,
  };
}

/** Share of entries per label; null counts as `none`. */
export function regimeShares(labels: readonly (string | null)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const label of labels) counts[label ?? 'none'] = (counts[label ?? 'none'] ?? 0) + 1;
  return Object.fromEntries(
    Object.entries(counts).map(([label, count]) => [label, count / Math.max(labels.length, 1)]),
  );
}
