/**
 * The one convention for structured trader output (documented in bot-image/README.md): a line
 * that is a JSON object whose `event` key names an event type, e.g.
 * `{"event":"regime_change","label":"calm","confidence":0.91}`. Every other key is the payload.
 * The supervisor tees such a line like any other AND sends it as an event.
 */
import { BOT_EVENT_TYPES } from '@hmmtrade/crds';

export type TraderEventType = (typeof BOT_EVENT_TYPES)[number];

/** The key naming the event type; reserved, so a payload may not use it. */
export const EVENT_KEY = 'event';

/** Longest line the control plane stores; longer output is split into several lines. */
export const MAX_LINE_CHARS = 16_384;

/** One structured event read from a trader line. */
export interface TraderEvent {
  type: TraderEventType;
  payload: Record<string, unknown>;
}

const eventTypes: ReadonlySet<string> = new Set(BOT_EVENT_TYPES);

export function isTraderEventType(value: unknown): value is TraderEventType {
  return typeof value === 'string' && eventTypes.has(value);
}

/**
 * The line a trader prints (one line, no newline added) to report an event, e.g.
 * `console.log(formatTraderEvent('fill', { symbol: 'AAPL', qty: 10, price: 187.2 }))`.
 * Throws when the type is unknown, the payload uses the reserved `event` key, or the line
 * would be longer than the control plane keeps.
 */
export function formatTraderEvent(
  type: TraderEventType,
  payload: Readonly<Record<string, unknown>> = {},
): string {
  if (!isTraderEventType(type)) {
    throw new TypeError(`unknown trader event type ${JSON.stringify(type)}`);
  }
  if (Object.hasOwn(payload, EVENT_KEY)) {
    throw new TypeError(`a trader event payload may not have an "${EVENT_KEY}" key`);
  }
  const line = JSON.stringify({ [EVENT_KEY]: type, ...payload });
  if (line.length > MAX_LINE_CHARS) {
    throw new RangeError(`trader event line is ${line.length} characters, over ${MAX_LINE_CHARS}`);
  }
  return line;
}

/** The event a line carries, or undefined for an ordinary line. */
export function parseTraderEvent(line: string): TraderEvent | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.includes(`"${EVENT_KEY}"`)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { [EVENT_KEY]: type, ...payload } = value as Record<string, unknown>;
  return isTraderEventType(type) ? { type, payload } : undefined;
}
