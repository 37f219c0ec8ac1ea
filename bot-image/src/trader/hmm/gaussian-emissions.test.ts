import { describe, expect, it } from 'vitest';
import { fromRows } from './dense-matrix.ts';
import { frameLogLikelihoods } from './gaussian-emissions.ts';
import type { HmmParams } from './hmm-params.ts';

const observations = [
  [0.5, -1],
  [1.5, 2],
  [-0.2, 0.3],
];

describe('frameLogLikelihoods', () => {
  it('is the standard normal log-density for mean 0, variance 1', () => {
    const params: HmmParams = {
      covariance: 'diag',
      startProb: [1],
      transmat: [[1]],
      means: [[0]],
      covars: [[1]],
    };
    const frame = frameLogLikelihoods(params, fromRows([[0], [2]]));
    expect(frame.values[0]).toBeCloseTo(-0.5 * Math.log(2 * Math.PI), 14);
    expect(frame.values[1]).toBeCloseTo(-0.5 * Math.log(2 * Math.PI) - 2, 14);
  });

  it('gives the same densities for a diagonal model and the equivalent full one', () => {
    const base = {
      startProb: [0.5, 0.5],
      transmat: [
        [0.5, 0.5],
        [0.5, 0.5],
      ],
      means: [
        [0, 1],
        [2, -1],
      ],
    };
    const diag: HmmParams = {
      ...base,
      covariance: 'diag',
      covars: [
        [0.5, 2],
        [1, 3],
      ],
    };
    const full: HmmParams = {
      ...base,
      covariance: 'full',
      covars: [
        [
          [0.5, 0],
          [0, 2],
        ],
        [
          [1, 0],
          [0, 3],
        ],
      ],
    };
    const a = frameLogLikelihoods(diag, fromRows(observations)).values;
    const b = frameLogLikelihoods(full, fromRows(observations)).values;
    expect(a).toHaveLength(6);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 12));
  });
});
