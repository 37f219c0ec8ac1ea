import { describe, expect, it } from 'vitest';
import { initHmmParams, kMeans, sampleCovariance } from './hmm-init.ts';
import { assertValidParams } from './hmm-params.ts';
import { createSeededRng } from './seeded-rng.ts';

const rng = createSeededRng(8);
const clusters = Array.from({ length: 300 }, (_, t) => {
  const center = [
    [0, 0],
    [10, 0],
    [0, 10],
  ][t % 3]!;
  return [center[0]! + rng.normal(), center[1]! + rng.normal()];
});

describe('kMeans', () => {
  it('finds well separated clusters', () => {
    const { centroids, assignments } = kMeans(clusters, 3, createSeededRng(1));
    const sorted = centroids
      .map((c) => c.map((v) => Math.round(v) + 0))
      .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    expect(sorted).toEqual([
      [0, 0],
      [0, 10],
      [10, 0],
    ]);
    expect(new Set(assignments).size).toBe(3);
    // Points generated from the same center share a cluster.
    assignments.forEach((c, t) => expect(c).toBe(assignments[t % 3]));
  });

  it('keeps k clusters even with duplicate points, and rejects k > points', () => {
    const duplicates = [[1], [1], [1], [2]];
    expect(kMeans(duplicates, 3, createSeededRng(1)).centroids).toHaveLength(3);
    expect(() => kMeans([[1]], 2, createSeededRng(1))).toThrow(/1 ≤ k ≤ 1/);
  });
});

describe('initHmmParams', () => {
  it.each(['diag', 'full'] as const)('builds valid, seeded %s parameters', (covariance) => {
    const options = { states: 3, covariance, seed: 5, minCovar: 1e-3 };
    const params = initHmmParams(clusters, options);
    assertValidParams(params, 2);
    expect(params.covariance).toBe(covariance);
    expect(params.startProb).toEqual([1 / 3, 1 / 3, 1 / 3]);
    [0.9, 0.05, 0.05].forEach((p, j) => expect(params.transmat[0]![j]).toBeCloseTo(p, 15));
    expect(initHmmParams(clusters, options)).toEqual(params);
  });

  it('starts every state at the data covariance plus minCovar on the diagonal', () => {
    const cov = sampleCovariance(clusters);
    const params = initHmmParams(clusters, {
      states: 2,
      covariance: 'diag',
      seed: 1,
      minCovar: 0.5,
    });
    expect(params.covars).toEqual([
      [cov[0]![0]! + 0.5, cov[1]![1]! + 0.5],
      [cov[0]![0]! + 0.5, cov[1]![1]! + 0.5],
    ]);
  });

  it('uses the unbiased sample covariance (n − 1), like np.cov', () => {
    expect(
      sampleCovariance([
        [1, 2],
        [3, 6],
      ]),
    ).toEqual([
      [2, 4],
      [4, 8],
    ]);
  });
});
