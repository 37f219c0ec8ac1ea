import type { HmmParams } from './hmm-params.ts';

/** Regime names, from quietest to wildest. */
export const REGIME_LABELS = ['calm', 'choppy', 'volatile', 'panic'] as const;
export type RegimeLabel = (typeof REGIME_LABELS)[number];

/** Variance of `feature` in `state` (the diagonal entry for full covariances). */
export function stateVariance(params: HmmParams, state: number, feature: number): number {
  const value =
    params.covariance === 'diag'
      ? params.covars[state]?.[feature]
      : params.covars[state]?.[feature]?.[feature];
  if (value === undefined) throw new Error(`regime labels: no variance for state ${state}`);
  return value;
}

/**
 * ranks[state] = its position when states are sorted by the variance of `feature`, lowest
 * first. Ties (rare outside degenerate fits) are broken by the feature's mean, then by the
 * other features' variances, so the ranking depends on the states' Gaussians only, never on
 * the order the EM happened to put them in.
 */
export function volatilityRanks(params: HmmParams, feature = 0): number[] {
  const dims = params.means[0]?.length ?? 0;
  if (!Number.isInteger(feature) || feature < 0 || feature >= dims) {
    throw new Error(`regime labels: feature must be in 0..${dims - 1} (got ${feature})`);
  }
  const key = (state: number): number[] => [
    stateVariance(params, state, feature),
    params.means[state]![feature]!,
    ...params.means[state]!.map((_, f) => stateVariance(params, state, f)),
  ];
  const order = params.means.map((_, state) => state);
  order.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return 0;
  });
  const ranks = new Array<number>(order.length);
  order.forEach((state, rank) => (ranks[state] = rank));
  return ranks;
}

/**
 * The label of each volatility rank for n states: the lowest is `calm`, the highest `panic`,
 * the second highest `volatile` when n ≥ 4, and every other one `choppy`:
 *   1: calm · 2: calm panic · 3: calm choppy panic · 4: calm choppy volatile panic
 *   5: calm choppy choppy volatile panic, and so on.
 */
export function labelsByRank(states: number): RegimeLabel[] {
  return Array.from({ length: states }, (_, rank): RegimeLabel => {
    if (rank === 0) return 'calm';
    if (rank === states - 1) return 'panic';
    if (states >= 4 && rank === states - 2) return 'volatile';
    return 'choppy';
  });
}

/** labels[state]: each state's regime by the volatility order of `feature` (default 0, returns). */
export function labelStates(params: HmmParams, options: { feature?: number } = {}): RegimeLabel[] {
  const ranks = volatilityRanks(params, options.feature ?? 0);
  const byRank = labelsByRank(ranks.length);
  return ranks.map((rank) => byRank[rank]!);
}

/** Posterior over regimes: the state posterior summed per label (labels may repeat). */
export function regimeProbabilities(
  posterior: readonly number[],
  stateLabels: readonly RegimeLabel[],
): Record<RegimeLabel, number> {
  if (posterior.length !== stateLabels.length) {
    throw new Error('regime labels: posterior and labels differ in length');
  }
  const result: Record<RegimeLabel, number> = { calm: 0, choppy: 0, volatile: 0, panic: 0 };
  posterior.forEach((p, state) => (result[stateLabels[state]!] += p));
  return result;
}
