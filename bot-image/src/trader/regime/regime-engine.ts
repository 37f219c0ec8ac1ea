import type { TradingBotSpec } from '@hmmtrade/crds';
import { createFeaturePipeline, type HmmFeature } from '../features/feature-pipeline.ts';
import {
  createForwardFilter,
  createRegimeFilter,
  labelsByRank,
  labelStates,
  regimeProbabilities,
  selectStateCount,
  type ForwardFilter,
  type HmmParams,
  type RegimeLabel,
} from '../hmm/index.ts';
import type { Bar } from '../market-data/bar.ts';

/** The profile's HMM settings. */
export type HmmProfile = TradingBotSpec['profile']['hmm'];

/** A (re)fit of the model. */
export interface ModelFit {
  states: number;
  bic: number;
  logLikelihood: number;
  /** Bars the model was fitted on. */
  trainingBars: number;
  /** labels[state]. */
  labels: RegimeLabel[];
}

/** What one bar did to the regime. */
export interface RegimeUpdate {
  /** The bar's start time. */
  at: number;
  /** The regime to act on (stable and confident enough), null until one is established. */
  label: RegimeLabel | null;
  /** This bar's probability of `label` (0 while label is null). */
  confidence: number;
  /** `at` of the bar that established `label`. */
  since: number | null;
  /** True on the bar where `label` changed, including the first one. */
  changed: boolean;
  /** This bar's filtered regime probabilities; null before the first fit. */
  probabilities: Record<RegimeLabel, number> | null;
  /** Set on a bar where the model was (re)fitted. */
  fit: ModelFit | null;
  /** Set when a (re)fit failed; the previous model, if any, stays in use. */
  fitError: string | null;
}

/** Per-symbol regime detection, fed one bar at a time. */
export interface RegimeEngine {
  update(bar: Bar): RegimeUpdate;
  /** Bars needed before the first fit: the feature warm-up plus lookbackBars. */
  readonly warmupBars: number;
}

/** Knobs beyond the profile. */
export interface RegimeEngineOptions {
  hmm: HmmProfile;
  /** Seed of the k-means initialisation of each fit. Default 0. */
  seed?: number;
  /** Fits per state count. Default 1. */
  restarts?: number;
  /** EM iterations per fit. Default 100. */
  maxIterations?: number;
}

/**
 * Walk-forward regime detection: standardised features of each bar go into a rolling window of
 * `lookbackBars` vectors; once it is full, a Gaussian HMM is fitted with the state count chosen
 * by BIC in [minStates, maxStates], and refitted every `retrainEveryBars` bars on the window as
 * it then is. States are labelled by volatility. Every bar is forward-filtered (after a fit the
 * filter is re-run over the window, which only holds past bars), and the regime probabilities
 * pass the stability filter (`stabilityBars`, `minConfidence`).
 */
export function createRegimeEngine(options: RegimeEngineOptions): RegimeEngine {
  const { hmm } = options;
  const pipeline = createFeaturePipeline({
    features: hmm.features,
    zScoreWindow: hmm.lookbackBars,
  });
  const labelFeature = volatilityFeature(hmm.features);
  const regimeFilter = createRegimeFilter<RegimeLabel>({
    stabilityBars: hmm.stabilityBars,
    minConfidence: hmm.minConfidence,
  });
  const window: { at: number; row: number[] }[] = [];
  let model: { filter: ForwardFilter; labels: RegimeLabel[] } | null = null;
  // Counts from the last fit attempt, failed or not, so a failing fit is retried at the
  // retrain cadence rather than on every bar.
  let barsSinceAttempt = 0;
  let attempted = false;

  const fit = (): { fit: ModelFit; posterior: number[] } => {
    const rows = window.map((w) => w.row);
    const selection = selectStateCount(rows, {
      minStates: hmm.minStates,
      maxStates: hmm.maxStates,
      covariance: hmm.covariance,
      seed: options.seed ?? 0,
      restarts: options.restarts ?? 1,
      ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
    });
    const { params } = selection.chosen.fit;
    const labels = labelModel(params, labelFeature);
    const filter = createForwardFilter(params);
    const first = model === null;
    let posterior: number[] = [];
    window.forEach(({ at, row }, i) => {
      posterior = filter.step(row);
      // On the first fit the window's filtered regimes seed the stability filter: each is
      // computed from bars up to its own, so nothing looks ahead. The last row is the caller's.
      if (first && i < window.length - 1) {
        regimeFilter.update(regimeProbabilities(posterior, labels), at);
      }
    });
    model = { filter, labels };
    const { states, bic, logLikelihood } = selection.chosen;
    return {
      fit: { states, bic, logLikelihood, trainingBars: rows.length, labels },
      posterior,
    };
  };

  return {
    warmupBars: pipeline.warmupBars - 1 + hmm.lookbackBars,
    update(bar) {
      const idle: RegimeUpdate = {
        at: bar.timestamp,
        label: null,
        confidence: 0,
        since: null,
        changed: false,
        probabilities: null,
        fit: null,
        fitError: null,
      };
      const features = pipeline.update(bar);
      if (features?.standardized == null) return { ...idle, ...reported(regimeFilter) };
      const row = features.standardized;
      window.push({ at: bar.timestamp, row });
      if (window.length > hmm.lookbackBars) window.shift();
      barsSinceAttempt += 1;

      let fitResult: ModelFit | null = null;
      let fitError: string | null = null;
      // After a successful fit the filter has already consumed this bar as the window's last row.
      let posterior: number[] | null = null;
      const due =
        window.length >= hmm.lookbackBars &&
        (!attempted || barsSinceAttempt >= hmm.retrainEveryBars);
      if (due) {
        barsSinceAttempt = 0;
        attempted = true;
        try {
          ({ fit: fitResult, posterior } = fit());
        } catch (error) {
          fitError = error instanceof Error ? error.message : String(error);
        }
      }
      const current = model;
      if (current === null) return { ...idle, fitError, ...reported(regimeFilter) };
      posterior ??= current.filter.step(row);
      const probabilities = regimeProbabilities(posterior, current.labels);
      const report = regimeFilter.update(probabilities, bar.timestamp);
      return { ...idle, ...report, probabilities, fit: fitResult, fitError };
    },
  };
}

function reported(filter: ReturnType<typeof createRegimeFilter<RegimeLabel>>) {
  const { label, confidence, since } = filter.current();
  return { label, confidence, since, changed: false };
}

/**
 * Which feature orders the states by volatility: the variance of the return when the model has
 * it (the HMM core's convention), otherwise the mean of a volatility measure, otherwise the
 * variance of the first feature.
 */
function volatilityFeature(features: readonly HmmFeature[]): {
  index: number;
  by: 'variance' | 'mean';
} {
  const returns = features.indexOf('logReturn');
  if (returns >= 0) return { index: returns, by: 'variance' };
  for (const name of ['realizedVolatility', 'atr'] as const) {
    const index = features.indexOf(name);
    if (index >= 0) return { index, by: 'mean' };
  }
  return { index: 0, by: 'variance' };
}

function labelModel(
  params: HmmParams,
  by: { index: number; by: 'variance' | 'mean' },
): RegimeLabel[] {
  if (by.by === 'variance') return labelStates(params, { feature: by.index });
  const order = params.means.map((_, state) => state);
  order.sort((a, b) => params.means[a]![by.index]! - params.means[b]![by.index]!);
  const byRank = labelsByRank(order.length);
  const labels = new Array<RegimeLabel>(order.length);
  order.forEach((state, rank) => (labels[state] = byRank[rank]!));
  return labels;
}
