import { fromRows, toRows, zeroMatrix, type DenseMatrix } from './dense-matrix.ts';
import { forwardBackward, forwardPass } from './forward-backward.ts';
import { createForwardFilter } from './forward-filter.ts';
import { frameLogLikelihoods } from './gaussian-emissions.ts';
import { reestimateGaussians } from './gaussian-reestimation.ts';
import { initHmmParams } from './hmm-init.ts';
import {
  assertObservations,
  assertValidParams,
  cloneParams,
  type CovarianceType,
  type HmmParams,
} from './hmm-params.ts';
import { reestimateChain, toMarkovChain } from './markov-chain.ts';
import { viterbiDecode, type ViterbiResult } from './viterbi.ts';

export type { CovarianceType, DiagHmmParams, FullHmmParams, HmmParams } from './hmm-params.ts';
export type { ViterbiResult } from './viterbi.ts';
export { createForwardFilter, type ForwardFilter } from './forward-filter.ts';

/** Defaults, chosen like hmmlearn's GaussianHMM where it has one. */
export const HMM_DEFAULTS = {
  maxIterations: 100,
  tolerance: 1e-3,
  seed: 0,
  minCovar: 1e-3,
  covarsPrior: 1e-2,
} as const;

/** How to fit. */
export interface FitOptions {
  states: number;
  covariance: CovarianceType;
  /** EM iterations at most (hmmlearn's `n_iter`). */
  maxIterations?: number;
  /** Stop when an iteration gains less log-likelihood than this (hmmlearn's `tol`). */
  tolerance?: number;
  /** Seed of the k-means initialisation; ignored with `init`. */
  seed?: number;
  /** Start from these parameters instead of k-means (hmmlearn with `init_params=''`). */
  init?: HmmParams;
  /** Variance floor, also added to the data covariance at init (hmmlearn's `min_covar`). */
  minCovar?: number;
  /** hmmlearn's `covars_prior`; see `reestimateGaussians`. */
  covarsPrior?: number;
}

/** A fitted model and how the EM went. */
export interface FitResult {
  params: HmmParams;
  /** log p(observations | params) of the returned params. */
  logLikelihood: number;
  /** EM iterations run (hmmlearn's `monitor_.iter`). */
  iterations: number;
  /** True when the tolerance stopped the EM; false when it ran out of iterations. */
  converged: boolean;
  /**
   * Log-likelihood computed in each iteration's E-step, i.e. of the parameters before that
   * iteration's M-step (hmmlearn's `monitor_.history`). Non-decreasing up to rounding.
   */
  history: number[];
}

/**
 * Baum-Welch (EM) for a Gaussian HMM. Each iteration: scaled forward-backward under the current
 * parameters (its log-likelihood goes to `history`), then the M-step: start probabilities and
 * transitions by `reestimateChain`, Gaussians by `reestimateGaussians`. It stops when the gain
 * is below `tolerance` or after `maxIterations`. The observations, frame and posteriors live in
 * flat arrays allocated once per fit.
 */
export function fitGaussianHmm(observations: number[][], options: FitOptions): FitResult {
  const dims = assertObservations(observations);
  const { states, covariance } = options;
  if (!Number.isInteger(states) || states < 1 || states > observations.length) {
    throw new Error(`hmm: states must be an integer in 1..${observations.length} (got ${states})`);
  }
  const maxIterations = options.maxIterations ?? HMM_DEFAULTS.maxIterations;
  const tolerance = options.tolerance ?? HMM_DEFAULTS.tolerance;
  const minCovar = options.minCovar ?? HMM_DEFAULTS.minCovar;
  const covarsPrior = options.covarsPrior ?? HMM_DEFAULTS.covarsPrior;
  let params: HmmParams;
  if (options.init !== undefined) {
    assertValidParams(options.init, dims);
    if (options.init.startProb.length !== states || options.init.covariance !== covariance) {
      throw new Error(`hmm: init must have ${states} states and '${covariance}' covariance`);
    }
    params = cloneParams(options.init);
  } else {
    const seed = options.seed ?? HMM_DEFAULTS.seed;
    params = initHmmParams(observations, { states, covariance, seed, minCovar });
  }

  const data = fromRows(observations);
  const frame = zeroMatrix(data.rows, states);
  const posteriors = zeroMatrix(data.rows, states);
  const transitionCounts = new Float64Array(states * states);
  const history: number[] = [];
  let converged = false;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    frameLogLikelihoods(params, data, frame);
    const logLikelihood = forwardBackward(
      toMarkovChain(params),
      frame,
      posteriors,
      transitionCounts,
    );
    if (!Number.isFinite(logLikelihood)) {
      throw new Error('hmm: the observations have zero likelihood under the current parameters');
    }
    params = {
      ...reestimateGaussians(params, data, posteriors, { covarsPrior, minCovar }),
      ...reestimateChain(params, posteriors, transitionCounts),
    };
    const previous = history[history.length - 1];
    history.push(logLikelihood);
    if (previous !== undefined && logLikelihood - previous < tolerance) {
      converged = true;
      break;
    }
  }
  frameLogLikelihoods(params, data, frame);
  return {
    params,
    logLikelihood: forwardPass(toMarkovChain(params), frame, posteriors),
    iterations: history.length,
    converged,
    history,
  };
}

/** Checks both inputs; then the flattened chain and the frame log-likelihoods under `params`. */
function chainAndFrame(params: HmmParams, observations: readonly (readonly number[])[]) {
  assertValidParams(params, assertObservations(observations));
  const data = fromRows(observations);
  return { chain: toMarkovChain(params), frame: frameLogLikelihoods(params, data) };
}

const sameShape = (matrix: DenseMatrix) => zeroMatrix(matrix.rows, matrix.cols);

/** Total log-likelihood log p(x_0..x_T−1 | params) (hmmlearn's `score`). */
export function scoreHmm(params: HmmParams, observations: readonly (readonly number[])[]): number {
  const { chain, frame } = chainAndFrame(params, observations);
  return forwardPass(chain, frame, sameShape(frame));
}

/**
 * Filtered posteriors P(state_t | x_0..x_t) for every t: the forward pass only, so row t never
 * depends on a later bar. Runs the streaming filter, so batch and per-bar results are identical.
 */
export function filterPosteriors(
  params: HmmParams,
  observations: readonly (readonly number[])[],
): number[][] {
  assertObservations(observations);
  const filter = createForwardFilter(params);
  return observations.map((x) => filter.step(x));
}

/**
 * Smoothed posteriors P(state_t | x_0..x_T−1) by forward-backward (hmmlearn's `predict_proba`).
 * They look ahead: for analysis and tests, never for trading decisions.
 */
export function smoothPosteriors(
  params: HmmParams,
  observations: readonly (readonly number[])[],
): number[][] {
  const { chain, frame } = chainAndFrame(params, observations);
  const posteriors = sameShape(frame);
  const logLikelihood = forwardBackward(
    chain,
    frame,
    posteriors,
    new Float64Array(chain.states ** 2),
  );
  if (logLikelihood === -Infinity) {
    throw new Error('hmm: the observations have zero likelihood under these parameters');
  }
  return toRows(posteriors);
}

/** The most likely state sequence (hmmlearn's `decode(algorithm='viterbi')`); looks ahead. */
export function viterbi(
  params: HmmParams,
  observations: readonly (readonly number[])[],
): ViterbiResult {
  const { chain, frame } = chainAndFrame(params, observations);
  return viterbiDecode(chain, frame);
}
