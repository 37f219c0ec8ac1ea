import { fitGaussianHmm, HMM_DEFAULTS, type FitResult } from './gaussian-hmm.ts';
import { assertObservations, type CovarianceType } from './hmm-params.ts';

/**
 * Free parameters of a Gaussian HMM (hmmlearn's `_get_n_fit_scalars_per_param`): start
 * probabilities n−1, transitions n(n−1), means n·d, covariances n·d (diag) or n·d(d+1)/2 (full).
 */
export function freeParameterCount(
  states: number,
  dims: number,
  covariance: CovarianceType,
): number {
  const covars = covariance === 'diag' ? states * dims : (states * dims * (dims + 1)) / 2;
  return states - 1 + states * (states - 1) + states * dims + covars;
}

/** Bayesian information criterion −2·log L + p·ln T; lower is better (hmmlearn's `bic`). */
export function bicScore(
  logLikelihood: number,
  parameterCount: number,
  observationCount: number,
): number {
  return -2 * logLikelihood + parameterCount * Math.log(observationCount);
}

/** The state-count range and how to fit each candidate. */
export interface StateSelectionOptions {
  minStates: number;
  maxStates: number;
  covariance: CovarianceType;
  /** Seed of the first restart; restart r uses seed + r. */
  seed?: number;
  /** Fits per state count from different seeds; the highest log-likelihood counts. Default 1. */
  restarts?: number;
  maxIterations?: number;
  tolerance?: number;
  minCovar?: number;
  covarsPrior?: number;
}

/** One state count's best fit and its score. */
export interface StateCandidate {
  states: number;
  bic: number;
  logLikelihood: number;
  parameterCount: number;
  fit: FitResult;
}

/** Every candidate, in state-count order, and the one with the lowest BIC. */
export interface StateSelection {
  chosen: StateCandidate;
  candidates: StateCandidate[];
}

/**
 * Fits minStates..maxStates and picks the lowest BIC; on a tie the fewer states win. Each fit is
 * seeded, so the same data and options always choose the same model.
 */
export function selectStateCount(
  observations: number[][],
  options: StateSelectionOptions,
): StateSelection {
  const dims = assertObservations(observations);
  const { minStates, maxStates, covariance } = options;
  if (!Number.isInteger(minStates) || !Number.isInteger(maxStates) || minStates < 1) {
    throw new Error('hmm model selection: minStates and maxStates must be integers ≥ 1');
  }
  if (maxStates < minStates || maxStates > observations.length) {
    throw new Error(
      `hmm model selection: need minStates ≤ maxStates ≤ ${observations.length} bars ` +
        `(got ${minStates}..${maxStates})`,
    );
  }
  const restarts = options.restarts ?? 1;
  const seed = options.seed ?? HMM_DEFAULTS.seed;
  const candidates: StateCandidate[] = [];
  for (let states = minStates; states <= maxStates; states++) {
    let best: FitResult | null = null;
    for (let r = 0; r < restarts; r++) {
      const fit = fitGaussianHmm(observations, {
        states,
        covariance,
        seed: seed + r,
        ...pick(options),
      });
      if (best === null || fit.logLikelihood > best.logLikelihood) best = fit;
    }
    const parameterCount = freeParameterCount(states, dims, covariance);
    candidates.push({
      states,
      bic: bicScore(best!.logLikelihood, parameterCount, observations.length),
      logLikelihood: best!.logLikelihood,
      parameterCount,
      fit: best!,
    });
  }
  const chosen = candidates.reduce((a, b) => (b.bic < a.bic ? b : a));
  return { chosen, candidates };
}

function pick(options: StateSelectionOptions) {
  const { maxIterations, tolerance, minCovar, covarsPrior } = options;
  return Object.fromEntries(
    Object.entries({ maxIterations, tolerance, minCovar, covarsPrior }).filter(
      ([, value]) => value !== undefined,
    ),
  ) as Pick<StateSelectionOptions, 'maxIterations' | 'tolerance' | 'minCovar' | 'covarsPrior'>;
}
