import { tryCholesky } from './linalg.ts';

/** Covariance structure of every state's Gaussian: per-feature variances, or a full matrix. */
export type CovarianceType = 'diag' | 'full';

/** Parameters shared by both covariance types. States are indexed 0..n−1, features 0..d−1. */
interface HmmParamsBase {
  /** P(state_0 = i), length n, sums to 1. */
  startProb: number[];
  /** transmat[i][j] = P(state_t+1 = j | state_t = i), n×n, rows sum to 1. */
  transmat: number[][];
  /** Per-state mean vector, n×d. */
  means: number[][];
}

/** A Gaussian HMM with diagonal covariances: covars[i][f] is the variance of feature f in state i. */
export interface DiagHmmParams extends HmmParamsBase {
  covariance: 'diag';
  /** n×d variances, each > 0. */
  covars: number[][];
}

/** A Gaussian HMM with full covariances: covars[i] is state i's d×d covariance matrix. */
export interface FullHmmParams extends HmmParamsBase {
  covariance: 'full';
  /** n×d×d symmetric positive definite matrices. */
  covars: number[][][];
}

/** The parameters of a Gaussian HMM, in hmmlearn's layout (startprob_, transmat_, means_, covars_). */
export type HmmParams = DiagHmmParams | FullHmmParams;

const PROBABILITY_SUM_TOLERANCE = 1e-6;

/**
 * Throws a descriptive Error unless `params` is a well-formed model over `dims` features:
 * shapes agree, probabilities are finite, non-negative and sum to 1, variances are positive and
 * full covariances are symmetric positive definite.
 */
export function assertValidParams(params: HmmParams, dims: number): void {
  const n = params.startProb.length;
  if (n < 1) throw new Error('hmm params: startProb is empty');
  assertDistribution(params.startProb, 'startProb');
  if (params.transmat.length !== n) throw new Error(`hmm params: transmat must have ${n} rows`);
  params.transmat.forEach((row, i) => {
    if (row.length !== n) throw new Error(`hmm params: transmat[${i}] must have ${n} entries`);
    assertDistribution(row, `transmat[${i}]`);
  });
  if (params.means.length !== n) throw new Error(`hmm params: means must have ${n} rows`);
  params.means.forEach((mean, i) => {
    if (mean.length !== dims || !mean.every(Number.isFinite)) {
      throw new Error(`hmm params: means[${i}] must be ${dims} finite numbers`);
    }
  });
  if (params.covars.length !== n) throw new Error(`hmm params: covars must have ${n} entries`);
  if (params.covariance === 'diag') {
    params.covars.forEach((variances, i) => {
      if (variances.length !== dims || !variances.every((v) => Number.isFinite(v) && v > 0)) {
        throw new Error(`hmm params: covars[${i}] must be ${dims} positive variances`);
      }
    });
  } else {
    params.covars.forEach((matrix, i) => {
      const square = matrix.length === dims && matrix.every((row) => row.length === dims);
      const symmetric =
        square &&
        matrix.every((row, r) =>
          row.every((value, c) => Math.abs(value - matrix[c]![r]!) <= 1e-9 * (1 + Math.abs(value))),
        );
      if (!symmetric || tryCholesky(matrix) === null) {
        throw new Error(`hmm params: covars[${i}] must be a ${dims}×${dims} SPD matrix`);
      }
    });
  }
}

function assertDistribution(values: readonly number[], name: string): void {
  if (!values.every((p) => Number.isFinite(p) && p >= 0)) {
    throw new Error(`hmm params: ${name} must hold finite non-negative probabilities`);
  }
  const sum = values.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
    throw new Error(`hmm params: ${name} must sum to 1 (sums to ${sum})`);
  }
}

/**
 * Throws unless `observations` is a non-empty T×d matrix of finite numbers; returns d.
 */
export function assertObservations(observations: readonly (readonly number[])[]): number {
  const first = observations[0];
  if (first === undefined || first.length === 0) {
    throw new Error('hmm: observations must be a non-empty T×d matrix');
  }
  const dims = first.length;
  observations.forEach((row, t) => {
    if (row.length !== dims || !row.every(Number.isFinite)) {
      throw new Error(`hmm: observation ${t} must be ${dims} finite numbers`);
    }
  });
  return dims;
}

/** A deep copy, so callers can keep a fitted model while the EM goes on. */
export function cloneParams(params: HmmParams): HmmParams {
  const base = {
    startProb: [...params.startProb],
    transmat: params.transmat.map((row) => [...row]),
    means: params.means.map((row) => [...row]),
  };
  return params.covariance === 'diag'
    ? { ...base, covariance: 'diag', covars: params.covars.map((row) => [...row]) }
    : {
        ...base,
        covariance: 'full',
        covars: params.covars.map((matrix) => matrix.map((row) => [...row])),
      };
}
