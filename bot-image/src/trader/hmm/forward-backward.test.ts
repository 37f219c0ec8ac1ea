import { describe, expect, it } from 'vitest';
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

const density = (x: number, mean: number, variance: number) =>
  Math.exp(-((x - mean) ** 2) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance);

/** Every state path of `length` bars with its joint probability p(x, path) under `tiny`. */
function enumeratePaths(length: number): { path: number[]; p: number }[] {
  const paths: { path: number[]; p: number }[] = [];
  for (let code = 0; code < 2 ** length; code++) {
    const path = Array.from({ length }, (_, t) => (code >> t) & 1);
    let p = tiny.startProb[path[0]!]!;
    path.forEach((s, t) => {
      if (t > 0) p *= tiny.transmat[path[t - 1]!]![s]!;
      p *= density(tinyObservations[t]![0]!, tiny.means[s]![0]!, tiny.covars[s]![0] as number);
    });
    paths.push({ path, p });
  }
  return paths;
}

describe('against brute-force enumeration of every state path', () => {
  const paths = enumeratePaths(tinyObservations.length);
  const total = paths.reduce((sum, { p }) => sum + p, 0);

  it('scores log Σ_paths p(x, path)', () => {
    expect(scoreHmm(tiny, tinyObservations)).toBeCloseTo(Math.log(total), 12);
  });

  it('smooths to P(state_t | all bars) and filters to P(state_t | bars up to t)', () => {
    const smoothed = smoothPosteriors(tiny, tinyObservations);
    const filtered = filterPosteriors(tiny, tinyObservations);
    for (let t = 0; t < tinyObservations.length; t++) {
      const inState1 = paths.filter(({ path }) => path[t] === 1).reduce((s, { p }) => s + p, 0);
      expect(smoothed[t]![1]).toBeCloseTo(inState1 / total, 12);
      const prefix = enumeratePaths(t + 1);
      const prefixTotal = prefix.reduce((s, { p }) => s + p, 0);
      const prefixIn1 = prefix.filter(({ path }) => path[t] === 1).reduce((s, { p }) => s + p, 0);
      expect(filtered[t]![1]).toBeCloseTo(prefixIn1 / prefixTotal, 12);
    }
  });

  it('decodes the single most likely path (Viterbi)', () => {
    const best = paths.reduce((a, b) => (b.p > a.p ? b : a));
    const decoded = viterbi(tiny, tinyObservations);
    expect(decoded.path).toEqual(best.path);
    expect(decoded.logProbability).toBeCloseTo(Math.log(best.p), 12);
  });
});
