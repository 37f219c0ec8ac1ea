import { formatTraderEvent, type TraderEventType } from '../supervisor/trader-events.ts';

export type { TraderEventType } from '../supervisor/trader-events.ts';

/** Reports one structured event; the payload must not use the key `event`. */
export type EmitEvent = (type: TraderEventType, payload: Record<string, unknown>) => void;

/**
 * Events as the supervisor reads them: one JSON object per line, `{"event":"<type>", ...}`,
 * formatted by the supervisor's own `formatTraderEvent` so both sides share one convention.
 */
export function createLineEmitter(writeLine: (line: string) => void): EmitEvent {
  return (type, payload) => writeLine(`${formatTraderEvent(type, payload)}\n`);
}

/** ISO time of an epoch-ms instant, as event payloads carry it. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
