import { createPaperBroker } from '../broker/paper-broker.ts';
import { barsPerYear, type Bar } from '../market-data/bar.ts';
import type { EmitEvent } from '../trader-events.ts';
import { createTradingEngine, type TraderProfile } from '../trading-engine.ts';
import {
  equityMetrics,
  regimeShares,
  type BacktestMetrics,
  type EquityPoint,
} from './backtest-metrics.ts';

/** A backtest: the profile to trade and the bars to trade it on. */
export interface BacktestOptions {
  profile: TraderProfile;
  /** Bars per symbol of the profile, oldest first. */
  bars: Readonly<Record<string, readonly Bar[]>>;
  /** Default 100 000. */
  initialCash?: number;
  /** Commission as a fraction of notional. Default 0.0005 (5 bps). */
  feeRate?: number;
  /** Default 2. */
  slippageBps?: number;
  /** Seed of the HMM fits. Default 0. */
  seed?: number;
  /** Receives the trader's events (regime changes, orders, fills …). Default: dropped. */
  emit?: EmitEvent;
  /** Where the data came from, for the report (e.g. `sim seed 1` or a file name). */
  source?: string;
}

/** The outcome: metrics, the curve to chart and what produced them. */
export interface BacktestResult {
  metrics: BacktestMetrics;
  /** From the first fitted bar on (the traded, out-of-sample part). */
  equity: EquityPoint[];
  symbols: string[];
  timeframe: TraderProfile['timeframe'];
  source: string;
  /** Bars used only to warm up and fit the first model. */
  warmupBars: number;
}

/**
 * Walk-forward: the paper broker and the live trading engine replay the bars in time order.
 * The engine fits on the last lookbackBars bars, trades the next retrainEveryBars with that
 * model, refits on the rolled window, and so on; nothing it decides on sees a later bar. The
 * curve and metrics cover the bars from the first fit on.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const { profile } = options;
  for (const symbol of profile.symbols) {
    if ((options.bars[symbol]?.length ?? 0) === 0)
      throw new Error(`backtest: no bars for ${symbol}`);
  }
  const broker = createPaperBroker({
    initialCash: options.initialCash ?? 100_000,
    feeRate: options.feeRate ?? 0.0005,
    slippageBps: options.slippageBps ?? 2,
  });
  const engine = createTradingEngine({
    profile,
    broker,
    emit: options.emit ?? (() => undefined),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const primary = profile.symbols[0]!;
  const timeline = profile.symbols
    .flatMap((symbol) => options.bars[symbol]!.map((bar) => ({ symbol, bar })))
    .sort((a, b) => a.bar.timestamp - b.bar.timestamp);

  const equity: EquityPoint[] = [];
  const labels = new Map<string, (string | null)[]>(profile.symbols.map((s) => [s, []]));
  let started = false;
  let warmupBars = 0;
  for (let i = 0; i < timeline.length; i++) {
    const { symbol, bar } = timeline[i]!;
    const update = await engine.onBar(symbol, bar);
    if (symbol === primary && !started) {
      started = update.probabilities !== null;
      if (!started) warmupBars += 1;
    }
    if (started) labels.get(symbol)!.push(update.label);
    const next = timeline[i + 1];
    if (started && (next === undefined || next.bar.timestamp !== bar.timestamp)) {
      const { equity: value } = await broker.account();
      equity.push({
        timestamp: bar.timestamp,
        equity: value,
        regime: labels.get(primary)!.at(-1) ?? null,
      });
    }
  }
  engine.finish();
  if (equity.length < 2) {
    throw new Error(
      `backtest: ${warmupBars} bars of ${primary} only warmed the model up; ` +
        `it needs more than ${engine.warmupBars} bars to trade`,
    );
  }
  const stats = engine.stats();
  return {
    metrics: {
      ...equityMetrics(
        equity.map((p) => p.equity),
        barsPerYear(profile.timeframe, profile.assetClass),
      ),
      trades: stats.orders,
      rejections: stats.rejections,
      fees: broker.feesPaid(),
      bars: equity.length,
      timeInRegime: Object.fromEntries([...labels].map(([s, l]) => [s, regimeShares(l)])),
    },
    equity,
    symbols: [...profile.symbols],
    timeframe: profile.timeframe,
    source: options.source ?? 'bars',
    warmupBars,
  };
}

/** The metrics as the CLI prints them, one fact per line. */
export function formatBacktestReport(result: BacktestResult): string {
  const { metrics } = result;
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const lines = [
    `backtest ${result.symbols.join(',')} ${result.timeframe} on ${result.source}`,
    `bars traded      ${metrics.bars} (after ${result.warmupBars} warm-up bars)`,
    `total return     ${pct(metrics.totalReturn)}  (${metrics.startEquity.toFixed(2)} → ${metrics.endEquity.toFixed(2)})`,
    `max drawdown     ${pct(metrics.maxDrawdown)}`,
    `sharpe (annual.) ${metrics.sharpe.toFixed(2)}`,
    `trades           ${metrics.trades} (${metrics.rejections} rejected, fees ${metrics.fees.toFixed(2)})`,
  ];
  for (const [symbol, shares] of Object.entries(metrics.timeInRegime)) {
    const parts = Object.entries(shares)
      .sort((a, b) => b[1] - a[1])
      .map(([label, share]) => `${label} ${pct(share)}`);
    lines.push(`time in regime   ${symbol}: ${parts.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
