import { describe, expect, it } from 'vitest';
import { absorbObservation } from './forward-backward.ts';
import {
  filterPosteriors,
  scoreHmm,
  smoothPosteriors,
  viterbi,
  type HmmParams,
} from './gaussian-hmm.ts';

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
const tinyObservations = [[0.1], [1.2], [-0.4], [2.5], [0.9]];

const logDensity = (x: number, mean: number, variance: number) =>
  -((x - mean) ** 2) / (2 * variance) - 0.5 * Math.log(2 * Math.PI * variance);

/** log Σ exp(values) of the finite values, without overflow or underflow (−∞ when none). */
const logSum = (values: number[]) => {
  const max = Math.max(...values);
  return max === -Infinity
    ? max
    : max + Math.log(values.reduce((s, v) => s + Math.exp(v - max), 0));
};

/** Every 2-state path over `observations` with its joint log probability log p(x, path). */
function enumeratePaths(
  params: HmmParams,
  observations: number[][],
): { path: number[]; logP: number }[] {
  const length = observations.length;
  return Array.from({ length: 2 ** length }, (_, code) => {
    const path = Array.from({ length }, (_, t) => (code >> t) & 1);
    const logP = path.reduce(
      (sum, s, t) =>
        sum +
        Math.log(t === 0 ? params.startProb[s]! : params.transmat[path[t - 1]!]![s]!) +
        logDensity(observations[t]![0]!, params.means[s]![0]!, params.covars[s]![0] as number),
      0,
    );
    return { path, logP };
  });
}

/** P(state_t = 1 | x_0..x_last) by enumeration: smoothed with last = T−1, filtered with last = t. */
function bruteForceInState1(params: HmmParams, observations: number[][], t: number, last: number) {
  const paths = enumeratePaths(params, observations.slice(0, last + 1));
  const inState1 = paths.filter(({ path }) => path[t] === 1).map(({ logP }) => logP);
  return Math.exp(logSum(inState1) - logSum(paths.map(({ logP }) => logP)));
}

/** State 1 can never be entered, yet it explains the bar at 40 about 1,200 nats better. */
const unreachableState1: HmmParams = {
  ...tiny,
  startProb: [1, 0],
  transmat: [
    [1, 0],
    [0.5, 0.5],
  ],
};

describe.each([
  { name: 'a few ordinary bars', params: tiny, observations: tinyObservations, digits: 12 },
  {
    // log N(60 | state) is about −3600 and −856: exp() of either is 0 in double precision.
    name: 'a bar so unlikely under every state that its densities underflow',
    params: tiny,
    observations: [[0.1], [1.2], [60], [2.5], [0.9]],
    digits: 9,
  },
  {
    name: 'a bar best explained by a state the chain cannot reach',
    params: unreachableState1,
    observations: [[0.1], [1.2], [40], [2.5]],
    digits: 9,
  },
])('against brute-force enumeration of every state path: $name', (c) => {
  const paths = enumeratePaths(c.params, c.observations);
  const last = c.observations.length - 1;

  it('scores log Σ_paths p(x, path)', () => {
    const total = logSum(paths.map(({ logP }) => logP));
    expect(scoreHmm(c.params, c.observations)).toBeCloseTo(total, c.digits);
  });

  it('smooths to P(state_t | all bars) and filters to P(state_t | bars up to t)', () => {
    const smoothed = smoothPosteriors(c.params, c.observations);
    const filtered = filterPosteriors(c.params, c.observations);
    for (let t = 0; t <= last; t++) {
      expect(smoothed[t]![1]).toBeCloseTo(
        bruteForceInState1(c.params, c.observations, t, last),
        12,
      );
      expect(filtered[t]![1]).toBeCloseTo(bruteForceInState1(c.params, c.observations, t, t), 12);
    }
  });

  it('decodes the single most likely path (Viterbi)', () => {
    const best = paths.reduce((a, b) => (b.logP > a.logP ? b : a));
    const decoded = viterbi(c.params, c.observations);
    expect(decoded.path).toEqual(best.path);
    expect(decoded.logProbability).toBeCloseTo(best.logP, c.digits);
  });
});

describe('scaling where plain probabilities underflow', () => {
  it('gives a state that all but cannot emit a bar a posterior of exactly 0 there, not NaN', () => {
    const smoothed = smoothPosteriors(tiny, [[0.1], [1.2], [60], [2.5], [0.9]]);
    expect(smoothed[2]).toEqual([0, 1]);
  });

  it('keeps an unreachable state at 0 even where it would explain the bar best', () => {
    const smoothed = smoothPosteriors(unreachableState1, [[0.1], [1.2], [40], [2.5]]);
    smoothed.forEach((row) => expect(row).toEqual([1, 0]));
  });
});

describe('absorbObservation (one forward step)', () => {
  const step = (predicted: number[], logDensities: number[]) => {
    const frame = Float64Array.from(logDensities);
    const filtered = new Float64Array(predicted.length).fill(-1);
    const logEvidence = absorbObservation(Float64Array.from(predicted), frame, filtered, 0);
    return { logEvidence, filtered: Array.from(filtered), ratios: Array.from(frame) };
  };

  it('is stable for large and tiny magnitudes of the log-densities', () => {
    for (const level of [1000, -1000]) {
      const { logEvidence, filtered, ratios } = step([0.25, 0.75], [level, level + Math.log(3)]);
      expect(logEvidence).toBeCloseTo(level + Math.log(2.5), 12);
      filtered.forEach((p, j) => expect(p).toBeCloseTo([0.1, 0.9][j]!, 12));
      ratios.forEach((r, j) => expect(r).toBeCloseTo([0.4, 1.2][j]!, 12));
    }
    const plain = step([0.25, 0.75], [0, 0]);
    expect(plain.logEvidence).toBeCloseTo(0, 14);
    expect(plain.filtered).toEqual([0.25, 0.75]);
  });

  it('treats log 0 = −∞ and a zero prediction as zero terms, and all-zero as −∞ (never NaN)', () => {
    const zeroDensity = step([0.5, 0.5], [-Infinity, 0]);
    expect(zeroDensity.logEvidence).toBeCloseTo(Math.log(0.5), 14);
    expect(zeroDensity.filtered).toEqual([0, 1]);
    expect(zeroDensity.ratios).toEqual([0, 2]);
    const unreachable = step([0, 1], [5000, 0]);
    expect(unreachable.logEvidence).toBe(0);
    expect(unreachable.filtered).toEqual([0, 1]);
    expect(unreachable.ratios).toEqual([0, 1]);
    const impossible = step([0.5, 0.5], [-Infinity, -Infinity]);
    expect(impossible.logEvidence).toBe(-Infinity);
    expect(impossible.filtered).toEqual([-1, -1]);
    expect(impossible.ratios).toEqual([-Infinity, -Infinity]);
    expect(step([], []).logEvidence).toBe(-Infinity);
  });
});
