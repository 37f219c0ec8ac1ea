import type { Broker } from './broker/broker.ts';
import { createSystemClock, createTimerSleep, type Clock, type Sleep } from './clock.ts';
import type { Bar } from './market-data/bar.ts';
import type { MarketData } from './market-data/market-data.ts';
import { createLineEmitter, isoTime } from './trader-events.ts';
import { createTradingEngine, type TraderProfile } from './trading-engine.ts';

/** Everything the live loop runs on; all of it injectable. */
export interface RunTraderOptions {
  profile: TraderProfile;
  broker: Broker;
  marketData: MarketData;
  /** Receives every output line (one JSON event each, newline-terminated). */
  write: (line: string) => void;
  /** Aborting it stops the loop after the bar in hand; the run then resolves. */
  signal: AbortSignal;
  clock?: Clock;
  sleep?: Sleep;
  /** Seed of the HMM fits. Default 0. */
  seed?: number;
  /** Stop after this many ticks (one-shot runs and tests). Default: until aborted. */
  maxTicks?: number;
}

/** How a run ended. */
export interface TraderRunResult {
  reason: 'aborted' | 'maxTicks';
  ticks: number;
  bars: number;
  orders: number;
  fills: number;
  rejections: number;
}

/**
 * The live loop. Each tick (every tickIntervalSeconds): symbols without history yet fetch it
 * and warm the regime engine up; the others fetch the bars completed since the last one seen,
 * and every new bar, across symbols in time order, goes through the trading engine. A failing
 * fetch or order is reported (`lifecycle` phase `tick_failed`) and the loop goes on; the bar is
 * not retried, so the model never sees a bar twice. Emits `lifecycle` trading_started /
 * trading_stopped (the supervisor's own trader_started / trader_exited frame them), a `heartbeat` per tick, and a partial `daily_summary` on stop.
 */
export async function runTrader(options: RunTraderOptions): Promise<TraderRunResult> {
  const { profile, marketData, signal } = options;
  const clock = options.clock ?? createSystemClock();
  const sleep = options.sleep ?? createTimerSleep();
  const emit = createLineEmitter(options.write);
  const engine = createTradingEngine({
    profile,
    broker: options.broker,
    emit,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const lastSeen = new Map<string, number>();
  const failed = (symbol: string | null, error: unknown) =>
    emit('lifecycle', {
      phase: 'tick_failed',
      ts: isoTime(clock.now()),
      symbol,
      error: error instanceof Error ? error.message : String(error),
    });

  emit('lifecycle', {
    phase: 'trading_started',
    ts: isoTime(clock.now()),
    symbols: profile.symbols,
    assetClass: profile.assetClass,
    timeframe: profile.timeframe,
    tickIntervalSeconds: profile.tickIntervalSeconds,
    warmupBars: engine.warmupBars,
  });

  let ticks = 0;
  let bars = 0;
  const tick = async () => {
    const fresh: { symbol: string; bar: Bar }[] = [];
    for (const symbol of profile.symbols) {
      try {
        const after = lastSeen.get(symbol);
        if (after === undefined) {
          const history = await marketData.history(symbol, engine.warmupBars);
          const last = history[history.length - 1];
          if (last === undefined) continue;
          engine.warmup(symbol, history);
          lastSeen.set(symbol, last.timestamp);
        } else {
          for (const bar of await marketData.barsSince(symbol, after)) fresh.push({ symbol, bar });
        }
      } catch (error) {
        failed(symbol, error);
      }
    }
    fresh.sort((a, b) => a.bar.timestamp - b.bar.timestamp);
    for (const { symbol, bar } of fresh) {
      if (signal.aborted) break;
      lastSeen.set(symbol, bar.timestamp);
      bars += 1;
      try {
        await engine.onBar(symbol, bar);
      } catch (error) {
        failed(symbol, error);
      }
    }
    try {
      const account = await options.broker.account();
      emit('heartbeat', {
        ts: isoTime(clock.now()),
        tick: ticks + 1,
        equity: account.equity,
        cash: account.cash,
      });
    } catch (error) {
      failed(null, error);
    }
  };

  let reason: TraderRunResult['reason'] = 'aborted';
  while (!signal.aborted) {
    await tick();
    ticks += 1;
    if (options.maxTicks !== undefined && ticks >= options.maxTicks) {
      reason = 'maxTicks';
      break;
    }
    await sleep(profile.tickIntervalSeconds * 1000, signal);
  }
  engine.finish();
  const result: TraderRunResult = { reason, ticks, bars, ...engine.stats() };
  emit('lifecycle', { phase: 'trading_stopped', ts: isoTime(clock.now()), ...result });
  return result;
}
