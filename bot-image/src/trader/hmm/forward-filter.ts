import { createEmissionModel } from './gaussian-emissions.ts';
import { logOf } from './forward-backward.ts';
import { assertValidParams, type HmmParams } from './hmm-params.ts';
import { logSumExp } from './linalg.ts';

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
 * Keeps the normalised log forward vector: log α̂_t = log α_t − log p(x_0..x_t). The
 * normalisers add up to the running log-likelihood, so nothing underflows however long it runs.
 */
export function createForwardFilter(params: HmmParams): ForwardFilter {
  const dims = params.means[0]?.length ?? 0;
  assertValidParams(params, dims);
  const emissions = createEmissionModel(params);
  const logStart = logOf(params.startProb);
  const logTrans = params.transmat.map((row) => logOf(row));
  const n = logStart.length;
  let logAlpha: number[] | null = null;
  let total = 0;
  let count = 0;
  return {
    step(observation) {
      if (observation.length !== dims || !observation.every(Number.isFinite)) {
        throw new Error(`hmm filter: observation must be ${dims} finite numbers`);
      }
      const frame = emissions.logDensities(observation);
      const previous = logAlpha;
      const next = new Array<number>(n);
      for (let j = 0; j < n; j++) {
        const prior =
          previous === null
            ? logStart[j]!
            : logSumExp(previous.map((a, i) => a + logTrans[i]![j]!));
        next[j] = prior + frame[j]!;
      }
      const normaliser = logSumExp(next);
      if (!Number.isFinite(normaliser)) {
        throw new Error('hmm filter: the observation has zero probability under every state');
      }
      logAlpha = next.map((v) => v - normaliser);
      total += normaliser;
      count += 1;
      return logAlpha.map((v) => Math.exp(v));
    },
    logLikelihood: () => total,
    steps: () => count,
    reset() {
      logAlpha = null;
      total = 0;
      count = 0;
    },
  };
}
