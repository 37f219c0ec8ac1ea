import { zeroMatrix } from './dense-matrix.ts';
import { absorbObservation, predictNext } from './forward-backward.ts';
import { createEmissionModel } from './gaussian-emissions.ts';
import { assertValidParams, type HmmParams } from './hmm-params.ts';
import { toMarkovChain } from './markov-chain.ts';

/**
 * Online forward filtering: after each bar, P(state_t | x_0..x_t). It only ever sees the bars
 * given so far, so it cannot look ahead.
 */
export interface ForwardFilter {
  /** Consumes the next observation and returns the filtered posterior over states. */
  step(observation: readonly number[]): number[];
  /** log p(x_0..x_t) of everything stepped so far (0 before the first step). */
  logLikelihood(): number;
  /** Bars consumed since creation or the last reset. */
  steps(): number;
  /** Forgets every observation: the next step starts from `startProb` again. */
  reset(): void;
}

/**
 * Runs the forward pass's own steps (`predictNext`, `absorbObservation`) one bar at a time, so
 * it gives the batch pass's numbers: the normalised forward vector, and a running
 * log-likelihood that is the sum of the per-bar log normalisers and cannot underflow.
 */
export function createForwardFilter(params: HmmParams): ForwardFilter {
  const dims = params.means[0]?.length ?? 0;
  assertValidParams(params, dims);
  const emissions = createEmissionModel(params);
  const chain = toMarkovChain(params);
  const observation = zeroMatrix(1, dims);
  const frame = zeroMatrix(1, chain.states);
  const predicted = new Float64Array(chain.states);
  const filtered = new Float64Array(chain.states);
  let total = 0;
  let count = 0;
  return {
    step(x) {
      if (x.length !== dims || !x.every(Number.isFinite)) {
        throw new Error(`hmm filter: observation must be ${dims} finite numbers`);
      }
      observation.values.set(x);
      emissions.logDensities(observation, frame);
      if (count === 0) predicted.set(chain.startProb);
      else predictNext(chain, filtered, 0, predicted);
      const logEvidence = absorbObservation(predicted, frame.values, filtered, 0);
      if (logEvidence === -Infinity) {
        throw new Error('hmm filter: the observation has zero probability under every state');
      }
      total += logEvidence;
      count += 1;
      return Array.from(filtered);
    },
    logLikelihood: () => total,
    steps: () => count,
    reset() {
      total = 0;
      count = 0;
    },
  };
}
