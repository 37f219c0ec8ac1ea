import type { ProposedOrder } from './risk-gates.ts';

/** A symbol's target and where it stands now. */
export interface SizingInput {
  symbol: string;
  /** Target position as a signed fraction of equity. */
  targetWeight: number;
  /** Signed quantity held now. */
  held: number;
  equity: number;
  price: number;
  /** No order while |target − current weight| is below this (a fraction of equity). */
  band: number;
  /** Quantities are rounded toward zero to this many decimals. */
  quantityDecimals: number;
}

/**
 * The market order that moves the position to its target, or null when none is needed: the
 * target is within the band of the current weight (price drift alone would otherwise trade
 * every bar), or the rounded quantity is zero. A zero target closes the whole position, however
 * small, so flat really means flat.
 */
export function sizeOrder(input: SizingInput): ProposedOrder | null {
  const { symbol, held, equity, price, band } = input;
  const scale = 10 ** input.quantityDecimals;
  const target = Number.isFinite(input.targetWeight) ? input.targetWeight : 0;
  const currentWeight = equity > 0 ? (held * price) / equity : 0;
  if (target === 0 ? held === 0 : Math.abs(target - currentWeight) < band) return null;
  const delta = target === 0 || !(equity > 0) ? -held : (target * equity) / price - held;
  // The epsilon keeps float dust (19.999999999999996) from costing a whole step.
  const quantity =
    target === 0 ? Math.abs(held) : Math.floor(Math.abs(delta) * scale + 1e-6) / scale;
  if (!(quantity > 0)) return null;
  return { symbol, side: delta > 0 ? 'buy' : 'sell', quantity, price };
}
