import type { TradingBotSpec } from '@hmmtrade/crds';
import { BrokerError, type Broker } from './broker/broker.ts';
import { createDayBook } from './day-book.ts';
import { createDayKey, TIMEFRAME_MS, tradingTimeZone, type Bar } from './market-data/bar.ts';
import {
  createRegimeEngine,
  type RegimeEngine,
  type RegimeUpdate,
} from './regime/regime-engine.ts';
import { reportRegimeUpdate } from './regime/regime-events.ts';
import { sizeOrder } from './risk/order-sizing.ts';
import { evaluateOrder, type ProposedOrder } from './risk/risk-gates.ts';
import { createStrategyRouter } from './strategies/strategy-router.ts';
import { isoTime, type EmitEvent } from './trader-events.ts';

/** The TradingBot profile: the trader's whole configuration. */
export type TraderProfile = TradingBotSpec['profile'];

/** What the engine trades with. */
export interface TradingEngineOptions {
  profile: TraderProfile;
  broker: Broker;
  emit: EmitEvent;
  /** Seed of the HMM fits. Default 0. */
  seed?: number;
  /**
   * No order while the target is within this fraction of maxPositionPct of the current
   * weight (price drift alone would otherwise trade every bar). Default 0.25.
   */
  rebalanceBand?: number;
  /** Order quantities are rounded down to this many decimals. Default 6. */
  quantityDecimals?: number;
}

/** The per-bar pipeline shared by the live loop and the backtest. */
export interface TradingEngine {
  /** Bars of history the engine needs before its first decision. */
  readonly warmupBars: number;
  /** Feeds past bars (no trading); then reports the model and regime they lead to. */
  warmup(symbol: string, bars: readonly Bar[]): void;
  /** One new completed bar: regime, strategy, risk gates, order. */
  onBar(symbol: string, bar: Bar): Promise<RegimeUpdate>;
  /** Summarises the unfinished day (on stop). */
  finish(): void;
  /** Orders sent, fills and rejections so far. */
  stats(): { orders: number; fills: number; rejections: number };
}

export function createTradingEngine(options: TradingEngineOptions): TradingEngine {
  const { profile, broker, emit } = options;
  const band = (options.rebalanceBand ?? 0.25) * profile.risk.maxPositionPct;
  const quantityDecimals = options.quantityDecimals ?? 6;
  const router = createStrategyRouter(profile.routing);
  const dayKey = createDayKey(tradingTimeZone(profile.assetClass));
  const symbols = new Map<
    string,
    { regime: RegimeEngine; closes: number[]; last: RegimeUpdate | null }
  >();
  for (const symbol of profile.symbols) {
    symbols.set(symbol, {
      regime: createRegimeEngine({ hmm: profile.hmm, seed: options.seed ?? 0 }),
      closes: [],
      last: null,
    });
  }
  const book = createDayBook(emit, () => ({
    regimes: Object.fromEntries([...symbols].map(([s, state]) => [s, state.last?.label ?? null])),
  }));
  const counts = { orders: 0, fills: 0, rejections: 0 };
  const stateOf = (symbol: string) => {
    const state = symbols.get(symbol);
    if (state === undefined) throw new Error(`trader: ${symbol} is not in the profile`);
    return state;
  };
  const remember = (state: { closes: number[] }, bar: Bar) => {
    state.closes.push(bar.close);
    if (state.closes.length > router.historyBars + 1) state.closes.shift();
  };
  const report = (symbol: string, update: RegimeUpdate, ts: number, warmup: boolean) =>
    reportRegimeUpdate(emit, {
      symbol,
      update,
      ts,
      warmup,
      strategy: router.strategyFor(update.label).name,
    });
  const reject = (
    symbol: string,
    ts: number,
    gate: string,
    reason: string,
    order: ProposedOrder,
  ) => {
    counts.rejections += 1;
    book.recordRejection();
    emit('rejection', {
      ts: isoTime(ts),
      symbol,
      gate,
      reason,
      side: order.side,
      quantity: order.quantity,
      price: order.price,
    });
  };

  return {
    warmupBars: Math.max(
      ...[...symbols.values()].map((s) => s.regime.warmupBars),
      router.historyBars,
    ),
    warmup(symbol, bars) {
      const state = stateOf(symbol);
      let fit: RegimeUpdate['fit'] = null;
      for (const bar of bars) {
        broker.observeBar?.(symbol, bar);
        const update = state.regime.update(bar);
        fit = update.fit ?? fit;
        state.last = update;
        remember(state, bar);
      }
      const last = state.last;
      const end = bars[bars.length - 1];
      if (last !== null && end !== undefined)
        report(symbol, { ...last, fit }, end.timestamp + TIMEFRAME_MS[profile.timeframe], true);
    },
    async onBar(symbol, bar) {
      const state = stateOf(symbol);
      broker.observeBar?.(symbol, bar);
      // Events carry the bar's end, when the decision is made; the bar counts to the day it began.
      const ts = bar.timestamp + TIMEFRAME_MS[profile.timeframe];
      const account = await broker.account();
      const day = book.roll(dayKey(bar.timestamp), account.equity);
      const update = state.regime.update(bar);
      state.last = update;
      remember(state, bar);
      report(symbol, update, ts, false);
      // No decision before the first fit: the account may hold positions the model never saw.
      if (update.probabilities === null) return update;

      const strategy = router.strategyFor(update.label);
      const positions = await broker.positions();
      const held = positions.find((p) => p.symbol === symbol)?.quantity ?? 0;
      const { equity } = account;
      const price = bar.close;
      const max = profile.risk.maxPositionPct;
      const currentWeight = equity > 0 ? (held * price) / equity : 0;
      const target = Math.min(
        max,
        Math.max(
          -max,
          strategy.targetWeight({ closes: state.closes, currentWeight, maxPositionPct: max }),
        ),
      );
      const proposal = sizeOrder({
        symbol,
        targetWeight: target,
        held,
        equity,
        price,
        band,
        quantityDecimals,
      });
      if (proposal === null) return update;
      const decision = evaluateOrder(
        proposal,
        {
          equity,
          dayStartEquity: day.startEquity,
          tradesToday: day.trades,
          positionQuantity: held,
          grossExposure: positions.reduce((sum, p) => sum + Math.abs(p.marketValue), 0),
        },
        profile.risk,
      );
      if (!decision.approved) {
        reject(symbol, ts, decision.gate, decision.reason, proposal);
        return update;
      }
      const order = decision.order;
      const clientOrderId = `hmm-${symbol.replace(/[^A-Za-z0-9]/g, '')}-${bar.timestamp}`;
      counts.orders += 1;
      emit('order', {
        ts: isoTime(ts),
        symbol,
        side: order.side,
        type: 'market',
        quantity: order.quantity,
        referencePrice: price,
        targetWeight: target,
        strategy: strategy.name,
        regime: update.label,
        confidence: update.confidence,
        clientOrderId,
        ...(decision.adjustments.length > 0 ? { adjustments: decision.adjustments } : {}),
      });
      try {
        const fill = await broker.submitMarketOrder({ ...order, clientOrderId });
        book.recordTrade();
        if (fill.quantity > 0) {
          counts.fills += 1;
          const { timestamp, ...rest } = fill;
          emit('fill', { ts: isoTime(ts), ...rest, filledAt: isoTime(timestamp) });
        }
      } catch (error) {
        if (!(error instanceof BrokerError)) throw error;
        reject(symbol, ts, 'broker', error.message, order);
      }
      book.markEquity((await broker.account()).equity);
      return update;
    },
    finish: () => book.close({}),
    stats: () => ({ ...counts }),
  };
}
