import type { TradingBotSpec } from '@hmmtrade/crds';
import type { Bar } from '../market-data/bar.ts';
import {
  createAdx,
  createAtr,
  createLogReturn,
  createRealizedVolatility,
  createRsi,
  INDICATOR_DEFAULTS,
  type Indicator,
} from './indicators.ts';
import { createRollingZScore } from './rolling-zscore.ts';

/** A feature the HMM can be fitted on. */
export type HmmFeature = TradingBotSpec['profile']['hmm']['features'][number];

/** How the feature vector of each bar is built. */
export interface FeaturePipelineOptions {
  features: readonly HmmFeature[];
  /** Window of the rolling z-score (the profile's lookbackBars). */
  zScoreWindow: number;
  /** Values the z-score needs before its first score. Default 30. */
  zScoreMinSamples?: number;
  /** ATR, ADX and RSI period. Default 14. */
  period?: number;
  /** Log returns in the realized volatility. Default 10. */
  volatilityWindow?: number;
}

/** One bar's features: raw values, then standardised. */
export interface FeatureVector {
  /** In the order of `features`; realizedVolatility and atr as natural logarithms. */
  raw: number[];
  /** Rolling z-scores of `raw`, in the order of `features`; null during the z-score warm-up. */
  standardized: number[] | null;
}

/** Streaming features: feed every bar once, oldest first. */
export interface FeaturePipeline {
  /** The bar's features, or null while an indicator is still warming up. */
  update(bar: Bar): FeatureVector | null;
  /** Bars fed before the first standardised vector (indicator plus z-score warm-up). */
  readonly warmupBars: number;
}

/**
 * Raw features: logReturn; ln(realizedVolatility); ln(ATR / close), so it means the same at any
 * price level; adx and rsi on their 0–100 scale. Volatilities enter as logarithms because they
 * are positive and skewed: in logs, regimes a constant factor apart sit equally far apart, which
 * suits Gaussian states. Each column is then standardised by its own rolling z-score over the
 * lookback, the HMM's Gaussians (and its variance floor) needing comparable scales.
 */
export function createFeaturePipeline(options: FeaturePipelineOptions): FeaturePipeline {
  const period = options.period ?? INDICATOR_DEFAULTS.period;
  const volatilityWindow = options.volatilityWindow ?? INDICATOR_DEFAULTS.volatilityWindow;
  const minSamples = Math.min(options.zScoreMinSamples ?? 30, options.zScoreWindow);
  if (options.features.length === 0) throw new Error('features: at least one feature is needed');
  const make = (feature: HmmFeature): { indicator: Indicator; warmup: number } => {
    switch (feature) {
      case 'logReturn':
        return { indicator: createLogReturn(), warmup: 1 };
      case 'realizedVolatility': {
        const volatility = createRealizedVolatility(volatilityWindow);
        return {
          indicator: { update: (bar) => logOf(volatility.update(bar)) },
          warmup: volatilityWindow,
        };
      }
      case 'atr': {
        const atr = createAtr(period);
        return {
          indicator: { update: (bar) => logOf(atr.update(bar) / bar.close) },
          warmup: period,
        };
      }
      case 'adx':
        return { indicator: createAdx(period), warmup: 2 * period - 1 };
      case 'rsi':
        return { indicator: createRsi(period), warmup: period };
    }
  };
  const columns = options.features.map((feature) => ({
    ...make(feature),
    zScore: createRollingZScore({ window: options.zScoreWindow, minSamples }),
  }));
  const indicatorWarmup = Math.max(...columns.map((c) => c.warmup));
  return {
    warmupBars: indicatorWarmup + minSamples,
    update(bar) {
      assertBar(bar);
      // Every indicator sees every bar, warm or not, so their states stay in step.
      const raw = columns.map((c) => c.indicator.update(bar));
      if (!raw.every(Number.isFinite)) return null;
      const standardized = raw.map((x, i) => columns[i]!.zScore(x));
      return { raw, standardized: standardized.every(Number.isFinite) ? standardized : null };
    },
  };
}

/** ln x, with a floor so a flat stretch (zero volatility) stays finite. */
function logOf(x: number): number {
  return Number.isNaN(x) ? NaN : Math.log(Math.max(x, 1e-12));
}

function assertBar(bar: Bar): void {
  const prices = [bar.open, bar.high, bar.low, bar.close];
  if (!prices.every((p) => Number.isFinite(p) && p > 0)) {
    throw new Error(`features: bar at ${bar.timestamp} needs positive finite prices`);
  }
}
