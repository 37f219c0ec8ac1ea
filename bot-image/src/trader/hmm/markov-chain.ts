import type { DenseMatrix } from './dense-matrix.ts';
import type { HmmParams } from './hmm-params.ts';

/** The hidden chain of an HMM, flattened for the forward-backward loops. */
export interface MarkovChain {
  readonly states: number;
  /** startProb[i] = P(state_0 = i). */
  readonly startProb: Float64Array;
  /** transmat[i·states + j] = P(state_t+1 = j | state_t = i). */
  readonly transmat: Float64Array;
}

export function toMarkovChain(params: HmmParams): MarkovChain {
  return {
    states: params.startProb.length,
    startProb: Float64Array.from(params.startProb),
    transmat: Float64Array.from(params.transmat.flat()),
  };
}

/**
 * The chain's M-step, hmmlearn's way: start probabilities from γ_0 (row 0 of `posteriors`),
 * transitions from the expected transition counts Σ_t ξ_t(i, j). Entries that are 0 stay 0, and
 * a row with no expected transitions keeps its previous values.
 */
export function reestimateChain(
  params: HmmParams,
  posteriors: DenseMatrix,
  transitionCounts: Float64Array,
): Pick<HmmParams, 'startProb' | 'transmat'> {
  const states = params.startProb.length;
  return {
    startProb: normalise(params.startProb.map((p, i) => (p === 0 ? 0 : posteriors.values[i]!))),
    transmat: params.transmat.map((row, i) => {
      const next = row.map((p, j) => (p === 0 ? 0 : transitionCounts[i * states + j]!));
      return next.some((c) => c > 0) ? normalise(next) : [...row];
    }),
  };
}

function normalise(values: number[]): number[] {
  const sum = values.reduce((a, b) => a + b, 0);
  return values.map((v) => v / sum);
}
