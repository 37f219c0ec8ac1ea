import { describe, expect, it } from 'vitest';
import { BOT_EVENT_TYPES } from '@hmmtrade/crds';
import { formatTraderEvent, parseTraderEvent } from './trader-events.ts';

describe('trader event lines', () => {
  it('formats one JSON line with the type under "event" and round-trips', () => {
    const line = formatTraderEvent('regime_change', { label: 'calm', confidence: 0.91 });
    expect(line).toBe('{"event":"regime_change","label":"calm","confidence":0.91}');
    expect(parseTraderEvent(line)).toEqual({
      type: 'regime_change',
      payload: { label: 'calm', confidence: 0.91 },
    });
  });

  it('round-trips every type, with an empty payload by default', () => {
    for (const type of BOT_EVENT_TYPES) {
      expect(parseTraderEvent(formatTraderEvent(type))).toEqual({ type, payload: {} });
    }
  });

  it('keeps a payload "type" field (an order type) as payload', () => {
    const line = formatTraderEvent('order', { symbol: 'AAPL', side: 'buy', type: 'market' });
    expect(parseTraderEvent(line)?.payload).toEqual({
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
    });
  });

  it('refuses an unknown type, the reserved key and an over-long line', () => {
    expect(() => formatTraderEvent('trade' as never)).toThrow(/unknown trader event type/);
    expect(() => formatTraderEvent('fill', { event: 'x' })).toThrow(/"event" key/);
    expect(() => formatTraderEvent('fill', { note: 'x'.repeat(20_000) })).toThrow(RangeError);
  });

  it.each([
    'plain text',
    '{"level":30,"msg":"tick"}',
    '{"event":"unknown","x":1}',
    '{"event": "fill"',
    '["event","fill"]',
    '{"event":["fill"]}',
  ])('treats %s as an ordinary line', (line) => {
    expect(parseTraderEvent(line)).toBeUndefined();
  });
});
