/**
 * Forward-backward with Rabiner's scaling over frame log-likelihoods
 * (frame(t, j) = log p(x_t | state j)). Every forward step is normalised to the filtered
 * posterior α̂_t(j) = P(state_t = j | x_0..x_t), and the log of each normaliser
 * p(x_t | x_0..x_t−1) adds up to the log-likelihood, so nothing underflows however many bars
 * there are. A probability of 0 (forbidden start state or transition) stays exactly 0.
 */
import type { DenseMatrix } from './dense-matrix.ts';
import type { MarkovChain } from './markov-chain.ts';

/**
 * The one-step prediction P(state_t+1 = j | x_0..x_t) = Σ_i α̂_t(i)·A(i, j) into `predicted`,
 * from α̂_t at filtered[offset..offset+n).
 */
export function predictNext(
  chain: MarkovChain,
  filtered: Float64Array,
  offset: number,
  predicted: Float64Array,
): void {
  const { states, transmat } = chain;
  for (let j = 0; j < states; j++) {
    let sum = 0;
    for (let i = 0; i < states; i++) sum += filtered[offset + i]! * transmat[i * states + j]!;
    predicted[j] = sum;
  }
}

/**
 * Bayes' rule for one bar. `predicted` holds P(state_t = j | x_0..x_t−1) (the start distribution
 * at t = 0) and frame[offset..offset+n) the log-densities log p(x_t | state j), finite or −∞.
 * Writes α̂_t to filtered[offset..offset+n) and replaces the log-densities by the likelihood
 * ratios p(x_t | state j) / p(x_t | x_0..x_t−1) that the backward pass needs (0 for a state the
 * chain cannot be in). Returns log p(x_t | x_0..x_t−1), or −∞ when x_t has zero probability;
 * then nothing is written.
 *
 * The densities are exponentiated relative to the largest one among the states the chain can be
 * in, so the largest term is exactly 1: a bar that is extremely unlikely under every state, or
 * a state that has all but no probability of emitting it, cannot make the step underflow.
 */
export function absorbObservation(
  predicted: Float64Array,
  frame: Float64Array,
  filtered: Float64Array,
  offset: number,
): number {
  const states = predicted.length;
  let shift = -Infinity;
  for (let j = 0; j < states; j++) {
    if (predicted[j]! > 0 && frame[offset + j]! > shift) shift = frame[offset + j]!;
  }
  if (shift === -Infinity) return -Infinity;
  let evidence = 0;
  for (let j = 0; j < states; j++) {
    const prior = predicted[j]!;
    const likelihood = prior > 0 ? Math.exp(frame[offset + j]! - shift) : 0;
    frame[offset + j] = likelihood;
    filtered[offset + j] = prior * likelihood;
    evidence += prior * likelihood;
  }
  for (let j = 0; j < states; j++) {
    filtered[offset + j]! /= evidence;
    frame[offset + j]! /= evidence;
  }
  return shift + Math.log(evidence);
}

/**
 * The forward pass over a T×n frame: row t of `filtered` gets α̂_t, and the frame's rows turn
 * into likelihood ratios (see `absorbObservation`). Returns log p(x_0..x_T−1), or −∞ as soon as
 * a bar has zero probability.
 */
export function forwardPass(chain: MarkovChain, frame: DenseMatrix, filtered: DenseMatrix): number {
  const { states } = chain;
  const predicted = new Float64Array(states);
  let logLikelihood = 0;
  for (let t = 0; t < frame.rows; t++) {
    if (t === 0) predicted.set(chain.startProb);
    else predictNext(chain, filtered.values, (t - 1) * states, predicted);
    const logEvidence = absorbObservation(predicted, frame.values, filtered.values, t * states);
    if (logEvidence === -Infinity) return -Infinity;
    logLikelihood += logEvidence;
  }
  return logLikelihood;
}

/**
 * Forward pass, then the scaled backward recursion β̂_t(i) = Σ_j A(i, j)·r_t+1(j)·β̂_t+1(j) with
 * β̂_T−1 = 1 over the likelihood ratios r. On return `posteriors` holds the smoothed
 * γ_t(i) = P(state_t = i | x_0..x_T−1) = α̂_t(i)·β̂_t(i), and `transitionCounts` (n×n) the
 * expected transition counts Σ_t ξ_t(i, j) = Σ_t α̂_t(i)·A(i, j)·r_t+1(j)·β̂_t+1(j)
 * (hmmlearn's `compute_log_xi_sum`, exponentiated). `frame` (T×n log-densities) is consumed.
 * Returns log p(x_0..x_T−1); when it is −∞ the posteriors and counts mean nothing.
 */
export function forwardBackward(
  chain: MarkovChain,
  frame: DenseMatrix,
  posteriors: DenseMatrix,
  transitionCounts: Float64Array,
): number {
  const logLikelihood = forwardPass(chain, frame, posteriors);
  if (logLikelihood === -Infinity) return logLikelihood;
  const { states, transmat } = chain;
  const ratios = frame.values;
  const gamma = posteriors.values;
  transitionCounts.fill(0);
  let beta = new Float64Array(states).fill(1);
  let previousBeta = new Float64Array(states);
  const weighted = new Float64Array(states);
  for (let t = frame.rows - 2; t >= 0; t--) {
    const next = (t + 1) * states;
    for (let j = 0; j < states; j++) weighted[j] = ratios[next + j]! * beta[j]!;
    const row = t * states;
    let total = 0;
    for (let i = 0; i < states; i++) {
      const alpha = gamma[row + i]!;
      let sum = 0;
      for (let j = 0; j < states; j++) {
        const term = transmat[i * states + j]! * weighted[j]!;
        sum += term;
        transitionCounts[i * states + j]! += alpha * term;
      }
      previousBeta[i] = sum;
      gamma[row + i] = alpha * sum;
      total += alpha * sum;
    }
    // Σ_i γ_t(i) = 1 exactly in theory; normalising removes the rounding, as hmmlearn does.
    for (let i = 0; i < states; i++) gamma[row + i]! /= total;
    [beta, previousBeta] = [previousBeta, beta];
  }
  return logLikelihood;
}
