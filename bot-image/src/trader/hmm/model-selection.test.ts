import { describe, expect, it } from 'vitest';
import { bicScore, freeParameterCount, selectStateCount } from './model-selection.ts';
import { generateRegimeSeries } from './testing/synthetic-series.ts';

describe('freeParameterCount', () => {
  it.each([
    // states, dims, covariance, start + trans + means + covars
    { states: 1, dims: 1, covariance: 'diag', want: 0 + 0 + 1 + 1 },
    { states: 2, dims: 1, covariance: 'diag', want: 1 + 2 + 2 + 2 },
    { states: 3, dims: 2, covariance: 'diag', want: 2 + 6 + 6 + 6 },
    { states: 3, dims: 2, covariance: 'full', want: 2 + 6 + 6 + 9 },
    { states: 4, dims: 3, covariance: 'full', want: 3 + 12 + 12 + 24 },
  ] as const)(
    '$states states, $dims dims, $covariance: $want',
    ({ states, dims, covariance, want }) => {
      expect(freeParameterCount(states, dims, covariance)).toBe(want);
    },
  );
});

it('bicScore is −2·logL + p·ln T', () => {
  expect(bicScore(-100, 5, Math.E ** 2)).toBeCloseTo(210, 12);
});

describe('selectStateCount', () => {
  const series = (regimes: number) =>
    generateRegimeSeries({
      seed: 3,
      length: 600,
      transmat: Array.from({ length: regimes }, (_, i) =>
        Array.from({ length: regimes }, (_, j) => (i === j ? 0.95 : 0.05 / (regimes - 1))),
      ),
      regimes: Array.from({ length: regimes }, (_, i) => ({
        mean: [i * 3],
        covariance: [[0.3 + i * 0.5]],
      })),
    }).observations;

  it.each([2, 3])('picks as many states as the data has regimes (%i)', (regimes) => {
    const selection = selectStateCount(series(regimes), {
      minStates: 1,
      maxStates: 4,
      covariance: 'diag',
    });
    expect(selection.candidates.map((c) => c.states)).toEqual([1, 2, 3, 4]);
    expect(selection.chosen.states).toBe(regimes);
    const lowest = Math.min(...selection.candidates.map((c) => c.bic));
    expect(selection.chosen.bic).toBe(lowest);
    selection.candidates.forEach((c) => {
      expect(c.parameterCount).toBe(freeParameterCount(c.states, 1, 'diag'));
      expect(c.bic).toBeCloseTo(bicScore(c.logLikelihood, c.parameterCount, 600), 9);
      expect(c.fit.params.startProb).toHaveLength(c.states);
    });
  });

  it('keeps the best of several restarts', () => {
    const data = series(3);
    const one = selectStateCount(data, { minStates: 3, maxStates: 3, covariance: 'full' });
    const many = selectStateCount(data, {
      minStates: 3,
      maxStates: 3,
      covariance: 'full',
      restarts: 3,
    });
    expect(many.chosen.logLikelihood).toBeGreaterThanOrEqual(one.chosen.logLikelihood);
  });

  it('rejects an empty or impossible range', () => {
    const data = series(2);
    const select = (minStates: number, maxStates: number) =>
      selectStateCount(data, { minStates, maxStates, covariance: 'diag' });
    expect(() => select(0, 2)).toThrow(/integers ≥ 1/);
    expect(() => select(3, 2)).toThrow(/minStates ≤ maxStates/);
    expect(() => select(1, 601)).toThrow(/≤ 600 bars/);
  });
});
