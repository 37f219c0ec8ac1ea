import type { HmmParams } from './hmm-params.ts';
import { logDetFromCholesky, mahalanobisSquared, tryCholesky } from './linalg.ts';

const LOG_2PI = Math.log(2 * Math.PI);

/** Evaluates every state's Gaussian log-density at one observation. */
export interface EmissionModel {
  /** log N(x | mean_i, covar_i) for each state i. */
  logDensities(x: readonly number[]): number[];
}

/** Precomputes Cholesky factors and log-determinants once per parameter set. */
export function createEmissionModel(params: HmmParams): EmissionModel {
  const dims = params.means[0]!.length;
  if (params.covariance === 'diag') {
    const logNorms = params.covars.map(
      (variances) => dims * LOG_2PI + variances.reduce((sum, v) => sum + Math.log(v), 0),
    );
    return {
      logDensities: (x) =>
        params.means.map((mean, i) => {
          const variances = params.covars[i]!;
          let quad = 0;
          for (let f = 0; f < dims; f++) {
            const diff = x[f]! - mean[f]!;
            quad += (diff * diff) / variances[f]!;
          }
          return -0.5 * (logNorms[i]! + quad);
        }),
    };
  }
  const factors = params.covars.map((matrix, i) => {
    const l = tryCholesky(matrix);
    if (l === null) throw new Error(`hmm: covars[${i}] is not positive definite`);
    return { l, logNorm: dims * LOG_2PI + logDetFromCholesky(l) };
  });
  return {
    logDensities: (x) =>
      params.means.map((mean, i) => {
        const { l, logNorm } = factors[i]!;
        return -0.5 * (logNorm + mahalanobisSquared(l, x, mean));
      }),
  };
}

/** T×n matrix of log N(x_t | state i): hmmlearn's `_compute_log_likelihood`. */
export function frameLogLikelihoods(
  params: HmmParams,
  observations: readonly (readonly number[])[],
): number[][] {
  const model = createEmissionModel(params);
  return observations.map((x) => model.logDensities(x));
}

/** Regularisation of the covariance M-step. */
export interface CovarianceRegularisation {
  /** hmmlearn's `covars_prior` (default there 1e-2) with `covars_weight` = 1. */
  covarsPrior: number;
  /** Floor for every variance (diagonal entry) after the M-step, like hmmlearn's `min_covar`. */
  minCovar: number;
}

/**
 * The Gaussian part of the M-step, with hmmlearn's formulas (means_prior = means_weight = 0,
 * covars_weight = 1):
 *   mean_i  = Σ_t γ_ti x_t / Σ_t γ_ti
 *   diag:   var_if = (prior + Σ_t γ_ti x_tf² − 2 mean_if Σ_t γ_ti x_tf + mean_if² Σ_t γ_ti) / max(Σ_t γ_ti, 1e-5)
 *   full:   cov_i  = (prior + Σ_t γ_ti x_t x_tᵀ − o mᵀ − m oᵀ + m mᵀ Σ_t γ_ti) / Σ_t γ_ti   (o = Σ_t γ_ti x_t)
 * (hmmlearn adds the scalar prior to every entry of a full matrix; so do we). Then variances
 * are floored at `minCovar`, and a full matrix that is still not positive definite gets
 * `minCovar`·I added until it is. A state with no posterior mass at all keeps its previous
 * Gaussian instead of dividing 0 by 0 (hmmlearn would produce NaN there).
 */
export function reestimateGaussians(
  params: HmmParams,
  observations: readonly (readonly number[])[],
  posteriors: readonly (readonly number[])[],
  regularisation: CovarianceRegularisation,
): HmmParams {
  const { covarsPrior, minCovar } = regularisation;
  const stats = params.means.map((_, i) => accumulate(observations, posteriors, i));
  const means = stats.map(({ post, obs }, i) =>
    post > 0 ? obs.map((o) => o / post) : [...params.means[i]!],
  );
  if (params.covariance === 'diag') {
    const covars = stats.map(({ post, obs, outer }, i) => {
      if (!(post > 0)) return [...params.covars[i]!];
      const mean = means[i]!;
      return mean.map((m, f) => {
        const cn = outer[f]![f]! - 2 * m * obs[f]! + m * m * post;
        return Math.max((covarsPrior + cn) / Math.max(post, 1e-5), minCovar);
      });
    });
    return { ...params, means, covars };
  }
  const covars = stats.map(({ post, obs, outer }, i) => {
    if (!(post > 0)) return params.covars[i]!.map((row) => [...row]);
    const mean = means[i]!;
    const matrix = outer.map((row, a) =>
      row.map((value, b) => {
        const cn = value - obs[a]! * mean[b]! - mean[a]! * obs[b]! + mean[a]! * mean[b]! * post;
        return (covarsPrior + cn) / post;
      }),
    );
    return floorFullCovariance(matrix, minCovar);
  });
  return { ...params, means, covars };
}

/** Σ_t γ_ti, Σ_t γ_ti x_t and Σ_t γ_ti x_t x_tᵀ for state i. */
function accumulate(
  observations: readonly (readonly number[])[],
  posteriors: readonly (readonly number[])[],
  state: number,
): { post: number; obs: number[]; outer: number[][] } {
  const dims = observations[0]!.length;
  let post = 0;
  const obs = new Array<number>(dims).fill(0);
  const outer = Array.from({ length: dims }, () => new Array<number>(dims).fill(0));
  for (let t = 0; t < observations.length; t++) {
    const gamma = posteriors[t]![state]!;
    const x = observations[t]!;
    post += gamma;
    for (let a = 0; a < dims; a++) {
      const weighted = gamma * x[a]!;
      obs[a]! += weighted;
      const row = outer[a]!;
      for (let b = 0; b < dims; b++) row[b]! += weighted * x[b]!;
    }
  }
  return { post, obs, outer };
}

function floorFullCovariance(matrix: number[][], minCovar: number): number[][] {
  const dims = matrix.length;
  if (!matrix.every((row) => row.every(Number.isFinite))) {
    throw new Error('hmm: re-estimated covariance is not finite');
  }
  // Symmetrise exactly: the two triangles can differ in the last bit.
  const result = matrix.map((row, a) => row.map((value, b) => 0.5 * (value + matrix[b]![a]!)));
  for (let a = 0; a < dims; a++) result[a]![a] = Math.max(result[a]![a]!, minCovar);
  let jitter = minCovar;
  while (tryCholesky(result) === null) {
    for (let a = 0; a < dims; a++) result[a]![a]! += jitter;
    jitter *= 2;
  }
  return result;
}
