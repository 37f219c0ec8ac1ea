import { profileSchema } from '@hmmtrade/crds';
import { describe, expect, it } from 'vitest';
import { parseTraderEvent } from '../supervisor/trader-events.ts';
import { createPaperBroker } from './broker/paper-broker.ts';
import { createTimerSleep, type Sleep } from './clock.ts';
import { createSimMarketData } from './market-data/sim-market-data.ts';
import { runTrader } from './trader.ts';

const profile = profileSchema.parse({
  symbols: ['BTC/USD', 'ETH/USD'],
  assetClass: 'crypto',
  timeframe: '1Min',
  tickIntervalSeconds: 60,
  hmm: { minStates: 2, maxStates: 3, lookbackBars: 120, retrainEveryBars: 60 },
  risk: { maxPositionPct: 0.3, maxExposurePct: 0.6 },
});

/** A clock the fake sleep moves forward; abort after `ticks` sleeps. */
function fakeTime(start: number, ticks: number, controller: AbortController) {
  const clock = { t: start, now: () => clock.t };
  let sleeps = 0;
  const sleep: Sleep = (ms) => {
    clock.t += ms;
    sleeps += 1;
    if (sleeps === ticks) controller.abort();
    return Promise.resolve();
  };
  return { clock, sleep };
}

describe('runTrader', () => {
  it('warms up, trades each new bar, prints one JSON event per line and stops on abort', async () => {
    const controller = new AbortController();
    const { clock, sleep } = fakeTime(Date.parse('2026-03-02T23:00:00Z'), 180, controller);
    const broker = createPaperBroker({ initialCash: 50_000 });
    const marketData = createSimMarketData({
      symbols: profile.symbols,
      timeframeMs: 60_000,
      seed: 5,
      clock,
      historyBars: 400,
    });
    const lines: string[] = [];
    const result = await runTrader({
      profile,
      broker,
      marketData,
      write: (text) => lines.push(text),
      signal: controller.signal,
      clock,
      sleep,
    });

    expect(result).toMatchObject({ reason: 'aborted', ticks: 180 });
    // One new bar per symbol per tick after the first (which warms up on history).
    expect(result.bars).toBe(2 * 179);
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(
      true,
    );
    const events = lines.map((line) => parseTraderEvent(line));
    expect(events.every((e) => e !== undefined)).toBe(true);
    const types = events.map((e) => e!.type);
    expect(events[0]).toMatchObject({ type: 'lifecycle', payload: { phase: 'trading_started' } });
    expect(events.at(-1)).toMatchObject({
      type: 'lifecycle',
      payload: { phase: 'trading_stopped', reason: 'aborted', ticks: 180 },
    });
    expect(types.filter((t) => t === 'heartbeat')).toHaveLength(180);
    const regime = events.find((e) => e!.type === 'regime_change')!.payload;
    expect(regime).toMatchObject({ symbol: expect.any(String), label: expect.any(String) });
    expect(regime.confidence).toBeGreaterThanOrEqual(0.6);
    expect(types).toContain('order');
    expect(types).toContain('fill');
    expect(result.orders).toBe(types.filter((t) => t === 'order').length);
    // The run crossed midnight UTC: the first day was summarised, then the partial one on stop.
    const summaries = events.filter((e) => e!.type === 'daily_summary').map((e) => e!.payload);
    expect(summaries.map((s) => [s.date, s.partial ?? false])).toEqual([
      ['2026-03-02', false],
      ['2026-03-03', true],
    ]);
    const account = await broker.account();
    expect(summaries[1]!.endEquity).toBeCloseTo(account.equity, 0);
  });

  it('reports a failing data source and keeps ticking', async () => {
    const controller = new AbortController();
    const { clock, sleep } = fakeTime(0, 3, controller);
    const lines: string[] = [];
    const result = await runTrader({
      profile,
      broker: createPaperBroker(),
      marketData: {
        history: () => Promise.reject(new Error('feed down')),
        barsSince: () => Promise.resolve([]),
      },
      write: (text) => lines.push(text),
      signal: controller.signal,
      clock,
      sleep,
    });
    expect(result.ticks).toBe(3);
    const failures = lines
      .map((l) => parseTraderEvent(l)!)
      .filter((e) => e.payload.phase === 'tick_failed');
    expect(failures).toHaveLength(6);
    expect(failures[0]!.payload).toMatchObject({ symbol: 'BTC/USD', error: 'feed down' });
  });

  it('stops promptly when aborted while sleeping on a real timer', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const run = runTrader({
      profile: { ...profile, tickIntervalSeconds: 86_400 },
      broker: createPaperBroker(),
      marketData: { history: () => Promise.resolve([]), barsSince: () => Promise.resolve([]) },
      write: (text) => {
        lines.push(text);
        if (text.includes('"heartbeat"')) controller.abort();
      },
      signal: controller.signal,
      sleep: createTimerSleep(),
    });
    await expect(run).resolves.toMatchObject({ reason: 'aborted', ticks: 1 });
    expect(parseTraderEvent(lines.at(-1)!)).toMatchObject({
      payload: { phase: 'trading_stopped' },
    });
  });
});
