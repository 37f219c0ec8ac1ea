import { describe, expect, it } from 'vitest';
import { fromRows } from './dense-matrix.ts';
import { reestimateGaussians, type CovarianceRegularisation } from './gaussian-reestimation.ts';
import type { HmmParams } from './hmm-params.ts';
import { tryCholesky } from './linalg.ts';

const observations = [
  [0.5, -1],
  [1.5, 2],
  [-0.2, 0.3],
];

const reestimate = (
  params: HmmParams,
  data: number[][],
  posteriors: number[][],
  regularisation: CovarianceRegularisation,
) => reestimateGaussians(params, fromRows(data), fromRows(posteriors), regularisation);

describe('reestimateGaussians', () => {
  const regularisation = { covarsPrior: 0, minCovar: 1e-3 };
  const oneState = { startProb: [1], transmat: [[1]], means: [[9, 9]] };
  /** One state with full covariance, starting from the identity. */
  function oneFullState(): HmmParams {
    return {
      ...oneState,
      covariance: 'full',
      covars: [
        [
          [1, 0],
          [0, 1],
        ],
      ],
    };
  }
  const allInState = observations.map(() => [1]);

  it('with one state and no prior, returns the sample mean and the biased sample variance', () => {
    const params: HmmParams = { ...oneState, covariance: 'diag', covars: [[1, 1]] };
    const next = reestimate(params, observations, allInState, regularisation);
    const mean = [0.6, 13 / 30];
    next.means[0]!.forEach((v, f) => expect(v).toBeCloseTo(mean[f]!, 12));
    const variance = [0, 1].map(
      (f) => observations.reduce((s, x) => s + (x[f]! - mean[f]!) ** 2, 0) / 3,
    );
    (next.covars[0] as number[]).forEach((v, f) => expect(v).toBeCloseTo(variance[f]!, 12));
  });

  it('adds covarsPrior / Σγ to every entry, like hmmlearn', () => {
    const params = oneFullState();
    const plain = reestimate(params, observations, allInState, regularisation);
    const prior = reestimate(params, observations, allInState, {
      ...regularisation,
      covarsPrior: 0.3,
    });
    const a = (plain.covars[0] as number[][]).flat();
    (prior.covars[0] as number[][])
      .flat()
      .forEach((v, i) => expect(v).toBeCloseTo(a[i]! + 0.1, 12));
  });

  it('floors variances and keeps full matrices positive definite', () => {
    const constant = [
      [1, 1],
      [1, 1],
      [1, 1],
    ];
    const params = oneFullState();
    const next = reestimate(params, constant, allInState, {
      covarsPrior: 0,
      minCovar: 0.01,
    });
    const matrix = next.covars[0] as number[][];
    expect(matrix[0]![0]).toBeGreaterThanOrEqual(0.01);
    expect(tryCholesky(matrix)).not.toBeNull();
  });

  it('leaves a state with no posterior mass as it was', () => {
    const params: HmmParams = {
      covariance: 'diag',
      startProb: [0.5, 0.5],
      transmat: [
        [0.5, 0.5],
        [0.5, 0.5],
      ],
      means: [
        [0, 0],
        [7, 7],
      ],
      covars: [
        [1, 1],
        [2, 2],
      ],
    };
    const posteriors = observations.map(() => [1, 0]);
    const next = reestimate(params, observations, posteriors, regularisation);
    expect(next.means[1]).toEqual([7, 7]);
    expect(next.covars[1]).toEqual([2, 2]);
  });
});
