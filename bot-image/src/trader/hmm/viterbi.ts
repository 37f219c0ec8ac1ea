import type { DenseMatrix } from './dense-matrix.ts';
import type { MarkovChain } from './markov-chain.ts';

/** The most likely state path and its joint log probability log p(x, path). */
export interface ViterbiResult {
  path: number[];
  logProbability: number;
}

/**
 * Viterbi decoding in log space over frame log-likelihoods (frame(t, j) = log p(x_t | state j)):
 * a max-product needs no sums, so logs keep it exact for any length. log 0 = −∞ keeps forbidden
 * transitions forbidden. Ties go to the lower state index.
 */
export function viterbiDecode(chain: MarkovChain, frame: DenseMatrix): ViterbiResult {
  const { states } = chain;
  const { rows: steps, values: logDensities } = frame;
  const logStart = chain.startProb.map(Math.log);
  const logTrans = chain.transmat.map(Math.log);
  const backPointers = new Int32Array(steps * states);
  let delta = logStart.map((v, j) => v + logDensities[j]!);
  let next = new Float64Array(states);
  for (let t = 1; t < steps; t++) {
    for (let j = 0; j < states; j++) {
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < states; i++) {
        const v = delta[i]! + logTrans[i * states + j]!;
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      backPointers[t * states + j] = arg;
      next[j] = best + logDensities[t * states + j]!;
    }
    [delta, next] = [next, delta];
  }
  let state = 0;
  for (let i = 1; i < states; i++) if (delta[i]! > delta[state]!) state = i;
  const logProbability = delta[state]!;
  const path = new Array<number>(steps);
  path[steps - 1] = state;
  for (let t = steps - 1; t > 0; t--) {
    state = backPointers[t * states + state]!;
    path[t - 1] = state;
  }
  return { path, logProbability };
}
