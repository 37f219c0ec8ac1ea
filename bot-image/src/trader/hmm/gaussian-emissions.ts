import { fromRows, zeroMatrix, type DenseMatrix } from './dense-matrix.ts';
import type { DiagHmmParams, FullHmmParams, HmmParams } from './hmm-params.ts';
import { logDetFromCholesky, mahalanobisSquared, tryCholesky } from './linalg.ts';

const LOG_2PI = Math.log(2 * Math.PI);

/** Every state's Gaussian log-density, with what it needs precomputed once per parameter set. */
export interface EmissionModel {
  /** Sets out(t, i) = log N(x_t | mean_i, covar_i) for every row x_t of `observations` (T×d → T×n). */
  logDensities(observations: DenseMatrix, out: DenseMatrix): void;
}

export function createEmissionModel(params: HmmParams): EmissionModel {
  return params.covariance === 'diag' ? diagEmissionModel(params) : fullEmissionModel(params);
}

/** T×n matrix of log N(x_t | state i): hmmlearn's `_compute_log_likelihood`. */
export function frameLogLikelihoods(
  params: HmmParams,
  observations: DenseMatrix,
  out: DenseMatrix = zeroMatrix(observations.rows, params.means.length),
): DenseMatrix {
  createEmissionModel(params).logDensities(observations, out);
  return out;
}

function diagEmissionModel(params: DiagHmmParams): EmissionModel {
  const states = params.means.length;
  const means = fromRows(params.means).values;
  const precisions = Float64Array.from(params.covars.flat(), (variance) => 1 / variance);
  const logNorms = Float64Array.from(
    params.covars,
    (variances) => variances.length * LOG_2PI + variances.reduce((sum, v) => sum + Math.log(v), 0),
  );
  return {
    logDensities({ rows, cols: dims, values: x }, { values: out }) {
      for (let t = 0; t < rows; t++) {
        const row = t * dims;
        for (let i = 0; i < states; i++) {
          const state = i * dims;
          let quad = 0;
          for (let f = 0; f < dims; f++) {
            const diff = x[row + f]! - means[state + f]!;
            quad += diff * diff * precisions[state + f]!;
          }
          out[t * states + i] = -0.5 * (logNorms[i]! + quad);
        }
      }
    },
  };
}

function fullEmissionModel(params: FullHmmParams): EmissionModel {
  const states = params.means.length;
  const factors = params.covars.map((matrix, i) => {
    const l = tryCholesky(matrix);
    if (l === null) throw new Error(`hmm: covars[${i}] is not positive definite`);
    return { l, logNorm: matrix.length * LOG_2PI + logDetFromCholesky(l) };
  });
  return {
    logDensities({ rows, cols: dims, values: x }, { values: out }) {
      const scratch = new Float64Array(dims);
      for (let t = 0; t < rows; t++) {
        for (let i = 0; i < states; i++) {
          const { l, logNorm } = factors[i]!;
          const quad = mahalanobisSquared(l, x, params.means[i]!, t * dims, scratch);
          out[t * states + i] = -0.5 * (logNorm + quad);
        }
      }
    },
  };
}
