import { describe, expect, it } from 'vitest';
import {
  createForwardFilter,
  filterPosteriors,
  fitGaussianHmm,
  scoreHmm,
  smoothPosteriors,
  viterbi,
  type HmmParams,
} from './gaussian-hmm.ts';
import { createSeededRng } from './seeded-rng.ts';
import { tryCholesky } from './linalg.ts';
import { generateRegimeSeries } from './testing/synthetic-series.ts';

const tiny: HmmParams = {
  covariance: 'diag',
  startProb: [0.6, 0.4],
  transmat: [
    [0.7, 0.3],
    [0.2, 0.8],
  ],
  means: [[0], [1.5]],
  covars: [[0.5], [2]],
};
const threeRegimeSpec = {
  transmat: [
    [0.96, 0.03, 0.01],
    [0.04, 0.93, 0.03],
    [0.02, 0.05, 0.93],
  ],
  regimes: [
    {
      mean: [0.2, -1],
      covariance: [
        [0.1, 0],
        [0, 0.2],
      ],
    },
    {
      mean: [0, 0.5],
      covariance: [
        [0.5, 0.1],
        [0.1, 0.4],
      ],
    },
    {
      mean: [-1, 2],
      covariance: [
        [2, -0.3],
        [-0.3, 1],
      ],
    },
  ],
};
const threeRegimes = generateRegimeSeries({ ...threeRegimeSpec, seed: 5, length: 1000 });

describe.each(['diag', 'full'] as const)('Baum-Welch with %s covariance', (covariance) => {
  const fit = fitGaussianHmm(threeRegimes.observations, { states: 3, covariance, seed: 1 });

  it('returns well-shaped parameters whose probabilities sum to 1', () => {
    const { params } = fit;
    expect(params.covariance).toBe(covariance);
    expect(params.startProb).toHaveLength(3);
    expect(params.means.every((m) => m.length === 2)).toBe(true);
    expect(params.startProb.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    params.transmat.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12));
    if (params.covariance === 'full') {
      params.covars.forEach((m) => expect(tryCholesky(m)).not.toBeNull());
    } else {
      params.covars.forEach((v) => expect(v).toHaveLength(2));
    }
  });

  it('never decreases the log-likelihood from one iteration to the next', () => {
    expect(fit.history.length).toBeGreaterThan(2);
    for (let i = 1; i < fit.history.length; i++) {
      expect(fit.history[i]! - fit.history[i - 1]!).toBeGreaterThan(-1e-9);
    }
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(fit.history.at(-1)! - 1e-9);
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBe(fit.history.length);
  });

  it('recovers the generating regimes', () => {
    const { path } = viterbi(fit.params, threeRegimes.observations);
    // Map each fitted state to the true regime it overlaps most, then count agreement.
    const votes = [0, 1, 2].map((s) =>
      [0, 1, 2].map((r) => path.filter((p, t) => p === s && threeRegimes.states[t] === r).length),
    );
    const mapping = votes.map((row) => row.indexOf(Math.max(...row)));
    expect(new Set(mapping).size).toBe(3);
    const agree = path.filter((s, t) => mapping[s] === threeRegimes.states[t]).length;
    expect(agree / path.length).toBeGreaterThan(0.95);
  });

  it('gives every bar filtered and smoothed posteriors that sum to 1', () => {
    for (const posteriors of [
      filterPosteriors(fit.params, threeRegimes.observations),
      smoothPosteriors(fit.params, threeRegimes.observations),
    ]) {
      expect(posteriors).toHaveLength(threeRegimes.observations.length);
      posteriors.forEach((row) => {
        expect(row).toHaveLength(3);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      });
    }
  });

  it('is reproducible: the same seed gives the same fit', () => {
    const again = fitGaussianHmm(threeRegimes.observations, { states: 3, covariance, seed: 1 });
    expect(again).toEqual(fit);
  });
});

describe('filtered posteriors', () => {
  const { params } = fitGaussianHmm(threeRegimes.observations, { states: 3, covariance: 'full' });
  const observations = threeRegimes.observations.slice(0, 300);

  it('do not look ahead: row t is unchanged when later bars change', () => {
    const altered = observations.map((x, t) => (t > 150 ? [x[0]! * -3 + 1, x[1]! + 2] : x));
    const before = filterPosteriors(params, observations);
    const after = filterPosteriors(params, altered);
    expect(after.slice(0, 151)).toEqual(before.slice(0, 151));
    expect(after[151]).not.toEqual(before[151]);
    // The smoothed posteriors do look ahead, which is why the trader must not use them.
    expect(smoothPosteriors(params, altered)[150]).not.toEqual(
      smoothPosteriors(params, observations)[150],
    );
  });

  it('stream bar by bar with the same numbers as the batch, and reset', () => {
    const filter = createForwardFilter(params);
    const streamed = observations.map((x) => filter.step(x));
    expect(streamed).toEqual(filterPosteriors(params, observations));
    expect(filter.steps()).toBe(300);
    expect(filter.logLikelihood()).toBeCloseTo(scoreHmm(params, observations), 8);
    filter.reset();
    expect(filter.steps()).toBe(0);
    expect(filter.step(observations[0]!)).toEqual(streamed[0]);
    expect(() => filter.step([1])).toThrow(/2 finite numbers/);
  });

  it('stay finite over thousands of bars, where plain probabilities would underflow', () => {
    const long = generateRegimeSeries({ ...threeRegimeSpec, seed: 9, length: 5000 });
    const score = scoreHmm(params, long.observations);
    expect(Number.isFinite(score)).toBe(true);
    expect(score).toBeLessThan(-745 * Math.LN10); // far below what a double can hold as exp()
    const last = filterPosteriors(params, long.observations).at(-1)!;
    expect(last.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});

describe('fit options and guards', () => {
  it('stops at maxIterations and reports it did not converge', () => {
    const fit = fitGaussianHmm(threeRegimes.observations, {
      states: 3,
      covariance: 'diag',
      maxIterations: 3,
      tolerance: 0,
    });
    expect(fit.iterations).toBe(3);
    expect(fit.converged).toBe(false);
  });

  it('keeps forbidden (zero) transitions at zero', () => {
    const init: HmmParams = {
      covariance: 'diag',
      startProb: [1, 0],
      transmat: [
        [0.9, 0.1],
        [0, 1],
      ],
      means: [[0], [1]],
      covars: [[1], [1]],
    };
    const observations = twoLevelSeries();
    const fit = fitGaussianHmm(observations, { states: 2, covariance: 'diag', init });
    expect(fit.params.transmat[1]![0]).toBe(0);
    expect(fit.params.startProb[1]).toBe(0);
  });

  it.each(['diag', 'full'] as const)('floors %s variances at minCovar', (covariance) => {
    const rng = createSeededRng(4);
    const observations = Array.from({ length: 400 }, (_, t) =>
      t < 200 ? [5, 5] : [rng.normal(), rng.normal()],
    );
    const { params } = fitGaussianHmm(observations, { states: 2, covariance, minCovar: 0.05 });
    for (let s = 0; s < 2; s++) {
      for (let f = 0; f < 2; f++) {
        const variance =
          params.covariance === 'diag' ? params.covars[s]![f]! : params.covars[s]![f]![f]!;
        expect(variance).toBeGreaterThanOrEqual(0.05);
      }
    }
  });

  it('rejects bad input with a message saying what is wrong', () => {
    const fit = (observations: number[][], states = 2) =>
      fitGaussianHmm(observations, { states, covariance: 'diag' });
    expect(() => fit([])).toThrow(/non-empty/);
    expect(() => fit([[1], [Number.NaN]])).toThrow(/observation 1/);
    expect(() => fit([[1], [2]], 3)).toThrow(/states must be an integer in 1\.\.2/);
    expect(() =>
      fitGaussianHmm([[1], [2], [3]], { states: 2, covariance: 'full', init: tiny }),
    ).toThrow(/init must have 2 states and 'full' covariance/);
    expect(() =>
      scoreHmm(
        {
          ...tiny,
          transmat: [
            [0.5, 0.4],
            [0.5, 0.5],
          ],
        },
        [[1]],
      ),
    ).toThrow(/transmat\[0\] must sum to 1/);
  });
});

function twoLevelSeries(): number[][] {
  const rng = createSeededRng(2);
  return Array.from({ length: 200 }, (_, t) => [(t < 80 ? 0 : 3) + 0.5 * rng.normal()]);
}
