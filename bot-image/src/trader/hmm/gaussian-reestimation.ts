import type { DenseMatrix } from './dense-matrix.ts';
import type { HmmParams } from './hmm-params.ts';
import { tryCholesky } from './linalg.ts';

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
 * `observations` is T×d and `posteriors` T×n (γ_ti).
 */
export function reestimateGaussians(
  params: HmmParams,
  observations: DenseMatrix,
  posteriors: DenseMatrix,
  regularisation: CovarianceRegularisation,
): HmmParams {
  const { covarsPrior, minCovar } = regularisation;
  const dims = observations.cols;
  const stats = accumulateStatistics(observations, posteriors, params.covariance);
  const means = params.means.map((previous, i) => {
    const mass = stats.mass[i]!;
    if (!(mass > 0)) return [...previous];
    return Array.from({ length: dims }, (_, f) => stats.sums[i * dims + f]! / mass);
  });
  if (params.covariance === 'diag') {
    const covars = params.covars.map((previous, i) => {
      const mass = stats.mass[i]!;
      if (!(mass > 0)) return [...previous];
      return means[i]!.map((m, f) => {
        const cn = stats.squares[i * dims + f]! - 2 * m * stats.sums[i * dims + f]! + m * m * mass;
        return Math.max((covarsPrior + cn) / Math.max(mass, 1e-5), minCovar);
      });
    });
    return { ...params, means, covars };
  }
  const covars = params.covars.map((previous, i) => {
    const mass = stats.mass[i]!;
    if (!(mass > 0)) return previous.map((row) => [...row]);
    const mean = means[i]!;
    const obs = stats.sums.subarray(i * dims, (i + 1) * dims);
    const outer = stats.squares.subarray(i * dims * dims, (i + 1) * dims * dims);
    const matrix = mean.map((_, a) =>
      mean.map((_, b) => {
        const product = outer[Math.max(a, b) * dims + Math.min(a, b)]!;
        const cn = product - obs[a]! * mean[b]! - mean[a]! * obs[b]! + mean[a]! * mean[b]! * mass;
        return (covarsPrior + cn) / mass;
      }),
    );
    return floorFullCovariance(matrix, minCovar);
  });
  return { ...params, means, covars };
}

/**
 * Per state i: mass Σ_t γ_ti; sums (n×d) Σ_t γ_ti x_t; squares Σ_t γ_ti x_tf² (diag, n×d) or
 * the lower triangle of Σ_t γ_ti x_t x_tᵀ (full, n×d×d, entry [i][a][b] with b ≤ a). Each is
 * one long loop over t: with few features that runs far faster than a short loop per bar.
 */
function accumulateStatistics(
  observations: DenseMatrix,
  posteriors: DenseMatrix,
  covariance: HmmParams['covariance'],
) {
  const { rows, cols: dims, values: x } = observations;
  const { cols: states, values: gamma } = posteriors;
  const full = covariance === 'full';
  const mass = new Float64Array(states);
  const sums = new Float64Array(states * dims);
  const squares = new Float64Array(full ? states * dims * dims : states * dims);
  for (let i = 0; i < states; i++) {
    let stateMass = 0;
    for (let t = 0; t < rows; t++) stateMass += gamma[t * states + i]!;
    mass[i] = stateMass;
    for (let a = 0; a < dims; a++) {
      let sum = 0;
      let square = 0;
      for (let t = 0; t < rows; t++) {
        const value = x[t * dims + a]!;
        const weighted = gamma[t * states + i]! * value;
        sum += weighted;
        square += weighted * value;
      }
      sums[i * dims + a] = sum;
      squares[full ? (i * dims + a) * dims + a : i * dims + a] = square;
      if (!full) continue;
      for (let b = 0; b < a; b++) {
        let product = 0;
        for (let t = 0; t < rows; t++) {
          product += gamma[t * states + i]! * x[t * dims + a]! * x[t * dims + b]!;
        }
        squares[(i * dims + a) * dims + b] = product;
      }
    }
  }
  return { mass, sums, squares };
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
