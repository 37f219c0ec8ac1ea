/** Options of a rolling z-score. */
export interface RollingZScoreOptions {
  /** Values the mean and deviation are taken over: the latest one and those before it. */
  window: number;
  /** Values needed before the first score (the window grows until it is full). Default 30. */
  minSamples?: number;
  /** Scores are clipped to ±clip, so one outlier cannot break a Gaussian fit. Default 8. */
  clip?: number;
}

/**
 * z_t = (x_t − mean) / std over the last `window` values up to and including x_t (population
 * deviation); 0 when the window is flat. NaN before `minSamples` values. Causal by construction.
 */
export function createRollingZScore(options: RollingZScoreOptions): (x: number) => number {
  const { window } = options;
  const minSamples = Math.min(options.minSamples ?? 30, window);
  const clip = options.clip ?? 8;
  if (!Number.isInteger(window) || window < 2) {
    throw new Error(`rolling z-score: window must be an integer ≥ 2 (got ${window})`);
  }
  const values: number[] = [];
  return (x) => {
    if (!Number.isFinite(x)) throw new Error(`rolling z-score: value must be finite (got ${x})`);
    values.push(x);
    if (values.length > window) values.shift();
    if (values.length < minSamples) return NaN;
    // Two passes over the window rather than running sums: exact however large the mean is.
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
    const std = Math.sqrt(variance);
    if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) return 0;
    return Math.max(-clip, Math.min(clip, (x - mean) / std));
  };
}
