import type { TradingBotSpec } from '@hmmtrade/crds';

/** The profile's risk limits. */
export type RiskLimits = TradingBotSpec['profile']['risk'];

/** The gates, named after the profile field each enforces. */
export type RiskGate =
  'maxTradesPerDay' | 'maxDailyDrawdownPct' | 'maxPositionPct' | 'maxExposurePct' | 'maxLeverage';

/** A market order the strategy wants. `quantity` is positive; `side` gives the direction. */
export interface ProposedOrder {
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number;
  /** The price the order is expected to fill near (the last close). */
  price: number;
}

/** The account as the gates see it, just before the order. */
export interface RiskSnapshot {
  equity: number;
  /** Equity when the trading day began. */
  dayStartEquity: number;
  /** Orders filled so far today. */
  tradesToday: number;
  /** Signed quantity held in the order's symbol. */
  positionQuantity: number;
  /** Σ |market value| over every position, before the order. */
  grossExposure: number;
}

/** The gates' verdict on one order. */
export type RiskDecision =
  | {
      approved: true;
      /** The order to send: the proposal, possibly reduced. */
      order: ProposedOrder;
      /** Why the order was changed (e.g. halved for drawdown); empty when unchanged. */
      adjustments: string[];
    }
  | { approved: false; gate: RiskGate; reason: string };

/** Slack for float noise, so an order sized exactly at a limit passes. */
const TOLERANCE = 1e-9;

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * Runs every gate on one order, in this order: trades per day, daily drawdown, position, gross
 * exposure, leverage. The first rejection wins. An order that only reduces risk (it moves the
 * position toward zero without flipping it) passes every gate: flattening must always be
 * possible, even after the day's trades are used up or trading is halted. The drawdown gate
 * halves a risk-increasing order once the day's loss passes half the limit and rejects it
 * beyond the limit.
 */
export function evaluateOrder(
  proposal: ProposedOrder,
  snapshot: RiskSnapshot,
  limits: RiskLimits,
): RiskDecision {
  if (!(proposal.quantity > 0) || !(proposal.price > 0)) {
    throw new Error('risk: an order needs a positive quantity and price');
  }
  const signed = (order: ProposedOrder) => (order.side === 'buy' ? 1 : -1) * order.quantity;
  const before = snapshot.positionQuantity;
  const reducesOnly = (order: ProposedOrder) => {
    const after = before + signed(order);
    return Math.abs(after) <= Math.abs(before) && Math.sign(after) !== -Math.sign(before);
  };
  if (reducesOnly(proposal)) return { approved: true, order: proposal, adjustments: [] };

  const { equity, dayStartEquity, tradesToday } = snapshot;
  if (tradesToday >= limits.maxTradesPerDay) {
    return reject(
      'maxTradesPerDay',
      `${tradesToday} trades today reached the limit of ${limits.maxTradesPerDay}`,
    );
  }
  const drawdown = dayStartEquity > 0 ? (dayStartEquity - equity) / dayStartEquity : 0;
  const adjustments: string[] = [];
  let order = proposal;
  if (drawdown >= limits.maxDailyDrawdownPct - TOLERANCE) {
    return reject(
      'maxDailyDrawdownPct',
      `daily drawdown ${pct(drawdown)} reached the limit of ${pct(limits.maxDailyDrawdownPct)}: ` +
        'no new risk until the next trading day',
    );
  }
  if (drawdown >= limits.maxDailyDrawdownPct / 2) {
    order = { ...order, quantity: order.quantity / 2 };
    adjustments.push(
      `daily drawdown ${pct(drawdown)} is past half the limit of ` +
        `${pct(limits.maxDailyDrawdownPct)}: order size halved`,
    );
  }
  if (!(equity > 0)) {
    return reject('maxLeverage', `equity ${equity.toFixed(2)} is not positive: no new risk`);
  }
  const positionAfter = Math.abs(before + signed(order)) * order.price;
  if (positionAfter / equity > limits.maxPositionPct + TOLERANCE) {
    return reject(
      'maxPositionPct',
      `${order.symbol} would be ${pct(positionAfter / equity)} of equity, above the limit of ` +
        `${pct(limits.maxPositionPct)}`,
    );
  }
  const grossAfter = snapshot.grossExposure - Math.abs(before) * order.price + positionAfter;
  if (grossAfter / equity > limits.maxExposurePct + TOLERANCE) {
    return reject(
      'maxExposurePct',
      `gross exposure would be ${pct(grossAfter / equity)} of equity, above the limit of ` +
        `${pct(limits.maxExposurePct)}`,
    );
  }
  if (grossAfter / equity > limits.maxLeverage + TOLERANCE) {
    return reject(
      'maxLeverage',
      `leverage would be ${(grossAfter / equity).toFixed(2)}x, above the limit of ` +
        `${limits.maxLeverage.toFixed(2)}x`,
    );
  }
  return { approved: true, order, adjustments };
}

function reject(gate: RiskGate, reason: string): RiskDecision {
  return { approved: false, gate, reason };
}
