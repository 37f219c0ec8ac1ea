/** How eager the reported regime is to change. */
export interface RegimeFilterOptions {
  /** Consecutive qualifying bars a new regime needs before it is reported (≥ 1). */
  stabilityBars: number;
  /** A bar qualifies only when the new regime's probability is at least this (0..1). */
  minConfidence: number;
}

/** The regime reported after one bar. */
export interface RegimeReport<L extends string> {
  /** The reported regime; null until a first regime has been confirmed. */
  label: L | null;
  /** This bar's probability of the reported regime (0 while label is null). */
  confidence: number;
  /** `at` of the bar on which the reported regime was confirmed; null while label is null. */
  since: number | null;
  /** True only on the bar where the reported regime changed (including the first one). */
  changed: boolean;
}

/** Per-bar stability and flicker filter over regime probabilities. */
export interface RegimeFilter<L extends string> {
  /**
   * Feeds one bar's regime probabilities (e.g. from `regimeProbabilities`) and returns the
   * regime to act on. `at` is the bar's time or index, echoed in `since`.
   */
  update(probabilities: Readonly<Partial<Record<L, number>>>, at: number): RegimeReport<L>;
  /** The last report, without feeding a bar. */
  current(): RegimeReport<L>;
}

/**
 * The reported regime changes only after another regime has been the argmax, with probability
 * ≥ minConfidence, for stabilityBars consecutive bars. A bar that breaks the run (the argmax is
 * the reported regime, a different challenger, or below minConfidence) starts the count again,
 * so a flickering posterior never flips the report. Ties in the argmax go to the label listed
 * first in `probabilities`.
 */
export function createRegimeFilter<L extends string>(
  options: RegimeFilterOptions,
): RegimeFilter<L> {
  const { stabilityBars, minConfidence } = options;
  if (!Number.isInteger(stabilityBars) || stabilityBars < 1) {
    throw new Error(`regime filter: stabilityBars must be an integer ≥ 1 (got ${stabilityBars})`);
  }
  if (!(minConfidence >= 0 && minConfidence <= 1)) {
    throw new Error(`regime filter: minConfidence must be in [0, 1] (got ${minConfidence})`);
  }
  let reported: L | null = null;
  let since: number | null = null;
  let pending: { label: L; bars: number } | null = null;
  let last: RegimeReport<L> = { label: null, confidence: 0, since: null, changed: false };
  return {
    update(probabilities, at) {
      let best: L | null = null;
      let bestProbability = -Infinity;
      for (const [label, p] of Object.entries(probabilities) as [L, number | undefined][]) {
        if (p !== undefined && p > bestProbability) [best, bestProbability] = [label, p];
      }
      if (best === null || best === reported || bestProbability < minConfidence) {
        pending = null;
      } else {
        pending =
          pending?.label === best
            ? { label: best, bars: pending.bars + 1 }
            : { label: best, bars: 1 };
      }
      let changed = false;
      if (pending !== null && pending.bars >= stabilityBars) {
        reported = pending.label;
        since = at;
        pending = null;
        changed = true;
      }
      last = {
        label: reported,
        confidence: reported === null ? 0 : (probabilities[reported] ?? 0),
        since,
        changed,
      };
      return last;
    },
    current: () => last,
  };
}
