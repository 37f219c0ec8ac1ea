/**
 * Forward-backward and Viterbi in log space over precomputed frame log-likelihoods
 * (frame[t][i] = log p(x_t | state i)). Working with log probabilities and log-sum-exp keeps
 * them exact for any number of bars where plain probabilities would underflow after a few
 * hundred. log 0 = −∞ is allowed everywhere (forbidden transitions stay forbidden).
 */

/** log of every entry; log 0 = −∞. */
export function logOf(values: readonly number[]): number[] {
  return values.map((p) => Math.log(p));
}

/** log Σ_i exp(a_i + b_i) without allocating. */
function logSumExpOfSum(a: readonly number[], b: (i: number) => number): number {
  let max = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]! + b(i);
    if (v > max) max = v;
  }
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.exp(a[i]! + b(i) - max);
  return max + Math.log(sum);
}

/** Forward lattice: logAlpha[t][i] = log p(x_0..x_t, state_t = i); and log p(x_0..x_T−1). */
export interface ForwardLattice {
  logAlpha: number[][];
  logLikelihood: number;
}

/** The forward pass (hmmlearn's `forward_log`). */
export function logForward(
  logStart: readonly number[],
  logTrans: readonly (readonly number[])[],
  frame: readonly (readonly number[])[],
): ForwardLattice {
  const n = logStart.length;
  const logAlpha: number[][] = [];
  let previous: number[] | undefined;
  for (const row of frame) {
    const current = new Array<number>(n);
    for (let j = 0; j < n; j++) {
      const prior =
        previous === undefined ? logStart[j]! : logSumExpOfSum(previous, (i) => logTrans[i]![j]!);
      current[j] = prior + row[j]!;
    }
    logAlpha.push(current);
    previous = current;
  }
  const last = logAlpha[logAlpha.length - 1] ?? [];
  return { logAlpha, logLikelihood: logSumExpOfSum(last, () => 0) };
}

/** Backward lattice: logBeta[t][i] = log p(x_t+1..x_T−1 | state_t = i). */
export function logBackward(
  logTrans: readonly (readonly number[])[],
  frame: readonly (readonly number[])[],
): number[][] {
  const steps = frame.length;
  const n = logTrans.length;
  const logBeta: number[][] = new Array<number[]>(steps);
  logBeta[steps - 1] = new Array<number>(n).fill(0);
  for (let t = steps - 2; t >= 0; t--) {
    const next = logBeta[t + 1]!;
    const nextFrame = frame[t + 1]!;
    const current = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const row = logTrans[i]!;
      current[i] = logSumExpOfSum(next, (j) => row[j]! + nextFrame[j]!);
    }
    logBeta[t] = current;
  }
  return logBeta;
}

/** Normalises each row of log weights into probabilities that sum to 1. */
export function normaliseLogRows(rows: readonly (readonly number[])[]): number[][] {
  return rows.map((row) => normaliseLogRow(row));
}

/** exp(row − logsumexp(row)). */
export function normaliseLogRow(row: readonly number[]): number[] {
  const total = logSumExpOfSum(row, () => 0);
  return row.map((v) => Math.exp(v - total));
}

/** Smoothed posteriors γ_t(i) = P(state_t = i | x_0..x_T−1). */
export function smoothedFromLattices(
  logAlpha: readonly (readonly number[])[],
  logBeta: readonly (readonly number[])[],
): number[][] {
  return logAlpha.map((row, t) => normaliseLogRow(row.map((a, i) => a + logBeta[t]![i]!)));
}

/** Expected transition counts Σ_t ξ_t(i, j) (hmmlearn's `compute_log_xi_sum`, exponentiated). */
export function expectedTransitions(
  logAlpha: readonly (readonly number[])[],
  logBeta: readonly (readonly number[])[],
  logTrans: readonly (readonly number[])[],
  frame: readonly (readonly number[])[],
  logLikelihood: number,
): number[][] {
  const n = logTrans.length;
  const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let t = 0; t + 1 < frame.length; t++) {
    const alpha = logAlpha[t]!;
    const beta = logBeta[t + 1]!;
    const nextFrame = frame[t + 1]!;
    for (let i = 0; i < n; i++) {
      const row = logTrans[i]!;
      const countRow = counts[i]!;
      for (let j = 0; j < n; j++) {
        // Each ξ is ≤ 1, so summing in linear space cannot overflow; underflow only drops ~0s.
        countRow[j]! += Math.exp(alpha[i]! + row[j]! + nextFrame[j]! + beta[j]! - logLikelihood);
      }
    }
  }
  return counts;
}

/** The most likely state path and its joint log probability log p(x, path). */
export interface ViterbiResult {
  path: number[];
  logProbability: number;
}

/** Viterbi decoding; ties go to the lower state index. */
export function viterbiDecode(
  logStart: readonly number[],
  logTrans: readonly (readonly number[])[],
  frame: readonly (readonly number[])[],
): ViterbiResult {
  const n = logStart.length;
  const backPointers: number[][] = [];
  let delta = logStart.map((v, i) => v + frame[0]![i]!);
  for (let t = 1; t < frame.length; t++) {
    const row = frame[t]!;
    const pointers = new Array<number>(n);
    const next = new Array<number>(n);
    for (let j = 0; j < n; j++) {
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < n; i++) {
        const v = delta[i]! + logTrans[i]![j]!;
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      pointers[j] = arg;
      next[j] = best + row[j]!;
    }
    backPointers.push(pointers);
    delta = next;
  }
  let state = 0;
  for (let i = 1; i < n; i++) if (delta[i]! > delta[state]!) state = i;
  const logProbability = delta[state]!;
  const path = new Array<number>(frame.length);
  path[frame.length - 1] = state;
  for (let t = frame.length - 1; t > 0; t--) {
    state = backPointers[t - 1]![state]!;
    path[t - 1] = state;
  }
  return { path, logProbability };
}
