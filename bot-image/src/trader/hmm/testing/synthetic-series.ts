import { cholesky } from '../linalg.ts';
import { createSeededRng } from '../seeded-rng.ts';

/** One regime of a synthetic series: a Gaussian with this mean and covariance. */
export interface SyntheticRegime {
  mean: number[];
  covariance: number[][];
}

/** A seeded Markov-switching Gaussian series. */
export interface SyntheticSeriesOptions {
  seed: number;
  length: number;
  regimes: SyntheticRegime[];
  /** transmat[i][j] = P(next regime j | regime i). */
  transmat: number[][];
  /** Regime of the first bar (default 0). */
  startState?: number;
}

/** The generated bars and the regime that produced each. */
export interface SyntheticSeries {
  observations: number[][];
  states: number[];
}

/** Same options, same series: for tests that need data with known regimes. */
export function generateRegimeSeries(options: SyntheticSeriesOptions): SyntheticSeries {
  const rng = createSeededRng(options.seed);
  const factors = options.regimes.map((regime) => cholesky(regime.covariance));
  const observations: number[][] = [];
  const states: number[] = [];
  let state = options.startState ?? 0;
  for (let t = 0; t < options.length; t++) {
    if (t > 0) {
      const row = options.transmat[state]!;
      let u = rng.uniform();
      let next = row.findIndex((p) => (u -= p) < 0);
      if (next < 0) next = row.length - 1;
      state = next;
    }
    const { mean } = options.regimes[state]!;
    const l = factors[state]!;
    const z = mean.map(() => rng.normal());
    observations.push(mean.map((m, a) => m + l[a]!.reduce((sum, v, b) => sum + v * z[b]!, 0)));
    states.push(state);
  }
  return { observations, states };
}
