import { isoTime, type EmitEvent } from '../trader-events.ts';
import type { RegimeUpdate } from './regime-engine.ts';

/** One symbol's regime update, as the trader reports it. */
export interface RegimeReportInput {
  symbol: string;
  update: RegimeUpdate;
  /** When it happened (the end of the bar), epoch ms. */
  ts: number;
  /** After the warm-up on history: report the regime reached even if it did not just change. */
  warmup: boolean;
  /** The strategy the regime routes to. */
  strategy: string;
}

/**
 * `lifecycle` model_fitted / model_fit_failed for a (failed) refit, and `regime_change` when the
 * reported regime changed (or, after the warm-up, the regime it settled on).
 */
export function reportRegimeUpdate(emit: EmitEvent, input: RegimeReportInput): void {
  const { symbol, update, warmup } = input;
  const ts = isoTime(input.ts);
  if (update.fit !== null) {
    const { states, bic, logLikelihood, trainingBars, labels } = update.fit;
    emit('lifecycle', {
      phase: 'model_fitted',
      ts,
      symbol,
      states,
      bic,
      logLikelihood,
      trainingBars,
      labels,
    });
  }
  if (update.fitError !== null) {
    emit('lifecycle', { phase: 'model_fit_failed', ts, symbol, error: update.fitError });
  }
  if (update.changed || (warmup && update.label !== null)) {
    emit('regime_change', {
      ts,
      symbol,
      label: update.label,
      confidence: update.confidence,
      since: update.since === null ? null : isoTime(update.since),
      strategy: input.strategy,
      ...(warmup ? { warmup: true } : {}),
    });
  }
}
