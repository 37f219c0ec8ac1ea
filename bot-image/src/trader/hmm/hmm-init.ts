import type { CovarianceType, HmmParams } from './hmm-params.ts';
import { createSeededRng, type SeededRng } from './seeded-rng.ts';

/** How `initHmmParams` seeds the EM. */
export interface HmmInitOptions {
  states: number;
  covariance: CovarianceType;
  /** Seed of k-means++; the same seed and data give the same parameters. */
  seed: number;
  /** Added to the data covariance's diagonal, as hmmlearn's `min_covar` does at init. */
  minCovar: number;
  /** Initial P(stay in the same state); the rest is spread evenly. Default 0.9: regimes persist. */
  selfTransition?: number;
}

/**
 * hmmlearn's initialisation with a deterministic k-means: means are k-means++ centroids (best
 * of a few seeded restarts), every state starts with the covariance of the whole data set plus
 * `minCovar`·I, the start distribution is uniform and the transition matrix is "sticky".
 */
export function initHmmParams(
  observations: readonly (readonly number[])[],
  options: HmmInitOptions,
): HmmParams {
  const { states, covariance, minCovar } = options;
  const rng = createSeededRng(options.seed);
  const means = kMeans(observations, states, rng).centroids;
  const cov = sampleCovariance(observations);
  cov.forEach((row, i) => (row[i]! += minCovar));
  const stay = states === 1 ? 1 : (options.selfTransition ?? 0.9);
  const move = states === 1 ? 0 : (1 - stay) / (states - 1);
  const base = {
    startProb: new Array<number>(states).fill(1 / states),
    transmat: Array.from({ length: states }, (_, i) =>
      Array.from({ length: states }, (_, j) => (i === j ? stay : move)),
    ),
    means,
  };
  return covariance === 'diag'
    ? { ...base, covariance, covars: means.map(() => cov.map((row, f) => row[f]!)) }
    : { ...base, covariance, covars: means.map(() => cov.map((row) => [...row])) };
}

/** Unbiased (n − 1) sample covariance of the rows, like `np.cov(X.T)`; zeros for one row. */
export function sampleCovariance(observations: readonly (readonly number[])[]): number[][] {
  const dims = observations[0]!.length;
  const count = observations.length;
  const mean = new Array<number>(dims).fill(0);
  for (const x of observations) for (let f = 0; f < dims; f++) mean[f]! += x[f]! / count;
  const cov = Array.from({ length: dims }, () => new Array<number>(dims).fill(0));
  if (count < 2) return cov;
  for (const x of observations) {
    for (let a = 0; a < dims; a++) {
      for (let b = 0; b < dims; b++) cov[a]![b]! += (x[a]! - mean[a]!) * (x[b]! - mean[b]!);
    }
  }
  return cov.map((row) => row.map((v) => v / (count - 1)));
}

/** A k-means clustering. */
export interface KMeansResult {
  centroids: number[][];
  assignments: number[];
  /** Σ squared distance of each point to its centroid. */
  inertia: number;
}

/** k-means++ seeding then Lloyd iterations, best of `restarts` runs (lowest inertia). */
export function kMeans(
  observations: readonly (readonly number[])[],
  k: number,
  rng: SeededRng,
  options: { restarts?: number; maxIterations?: number } = {},
): KMeansResult {
  if (k < 1 || k > observations.length) {
    throw new Error(`k-means: need 1 ≤ k ≤ ${observations.length} (got ${k})`);
  }
  let best: KMeansResult | null = null;
  for (let r = 0; r < (options.restarts ?? 4); r++) {
    const result = lloyd(observations, seedCentroids(observations, k, rng), options);
    if (best === null || result.inertia < best.inertia) best = result;
  }
  return best!;
}

function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let f = 0; f < a.length; f++) sum += (a[f]! - b[f]!) ** 2;
  return sum;
}

function seedCentroids(
  observations: readonly (readonly number[])[],
  k: number,
  rng: SeededRng,
): number[][] {
  const centroids = [[...observations[rng.integer(observations.length)]!]];
  const distances = observations.map((x) => squaredDistance(x, centroids[0]!));
  while (centroids.length < k) {
    const total = distances.reduce((a, b) => a + b, 0);
    let pick: number;
    if (total > 0) {
      let target = rng.uniform() * total;
      pick = distances.findIndex((d) => (target -= d) < 0);
      if (pick < 0) pick = distances.length - 1;
    } else {
      pick = rng.integer(observations.length);
    }
    const centroid = [...observations[pick]!];
    centroids.push(centroid);
    observations.forEach((x, t) => {
      distances[t] = Math.min(distances[t]!, squaredDistance(x, centroid));
    });
  }
  return centroids;
}

function lloyd(
  observations: readonly (readonly number[])[],
  initial: number[][],
  options: { maxIterations?: number },
): KMeansResult {
  const dims = observations[0]!.length;
  let centroids = initial;
  let assignments = new Array<number>(observations.length).fill(-1);
  for (let iteration = 0; iteration < (options.maxIterations ?? 100); iteration++) {
    const next = observations.map((x) => nearest(x, centroids).index);
    const stable = next.every((c, t) => c === assignments[t]);
    assignments = next;
    if (stable) break;
    const sums = centroids.map(() => new Array<number>(dims).fill(0));
    const counts = new Array<number>(centroids.length).fill(0);
    observations.forEach((x, t) => {
      const c = assignments[t]!;
      counts[c]! += 1;
      x.forEach((v, f) => (sums[c]![f]! += v));
    });
    centroids = sums.map((sum, c) => sum.map((v) => v / counts[c]!));
    // An empty cluster takes the point farthest from its centroid, so k stays k.
    for (let c = 0; c < centroids.length; c++) {
      if (counts[c] !== 0) continue;
      let far = 0;
      let farDistance = -1;
      observations.forEach((x, t) => {
        const d = squaredDistance(x, centroids[assignments[t]!] ?? x);
        if (d > farDistance) [far, farDistance] = [t, d];
      });
      centroids[c] = [...observations[far]!];
      assignments[far] = c;
    }
  }
  const final = observations.map((x) => nearest(x, centroids));
  return {
    centroids,
    assignments: final.map((n) => n.index),
    inertia: final.reduce((sum, n) => sum + n.distance, 0),
  };
}

function nearest(x: readonly number[], centroids: readonly (readonly number[])[]) {
  let index = 0;
  let distance = Infinity;
  centroids.forEach((centroid, c) => {
    const d = squaredDistance(x, centroid);
    if (d < distance) [index, distance] = [c, d];
  });
  return { index, distance };
}
