import { createSeededRng } from '../hmm/seeded-rng.ts';
import type { Bar } from './bar.ts';

/** One regime of the simulated market: log-return drift and volatility per bar. */
export interface SimRegime {
  name: string;
  drift: number;
  volatility: number;
}

/** Three regimes, quietest first; their names match the HMM's labels for three states. */
export const SIM_REGIMES: readonly SimRegime[] = [
  { name: 'calm', drift: 0.0004, volatility: 0.004 },
  { name: 'choppy', drift: 0, volatility: 0.011 },
  { name: 'panic', drift: -0.002, volatility: 0.028 },
];

/** Sticky Markov switching: expected stays of about 80, 50 and 30 bars. */
export const SIM_TRANSITIONS: readonly (readonly number[])[] = [
  [0.9875, 0.01, 0.0025],
  [0.014, 0.98, 0.006],
  [0.01, 0.023, 0.967],
];

/** A seeded regime-switching market. */
export interface SimMarketOptions {
  seed: number;
  /** Start of the first bar, epoch ms. */
  start: number;
  /** Bar length in ms. */
  timeframeMs: number;
  /** Open of the first bar. Default 100. */
  startPrice?: number;
  regimes?: readonly SimRegime[];
  /** transitions[i][j] = P(next bar in regime j | this bar in regime i). */
  transitions?: readonly (readonly number[])[];
  /** Regime of the first bar. Default 0. */
  startRegime?: number;
}

/** A bar and the regime that generated it. */
export interface SimBar extends Bar {
  regime: number;
}

/** An endless bar stream: the same options always give the same bars. */
export interface SimBarGenerator {
  next(): SimBar;
}

/**
 * Each bar: maybe switch regime (Markov), close = open·exp(drift + vol·z), open = the previous
 * close, high/low beyond the body by half a volatility times |z|, volume log-normal and larger
 * in wilder regimes.
 */
export function createSimBarGenerator(options: SimMarketOptions): SimBarGenerator {
  const regimes = options.regimes ?? SIM_REGIMES;
  const transitions = options.transitions ?? SIM_TRANSITIONS;
  if (
    transitions.length !== regimes.length ||
    transitions.some((r) => r.length !== regimes.length)
  ) {
    throw new Error(`sim: transitions must be ${regimes.length}×${regimes.length}`);
  }
  const rng = createSeededRng(options.seed);
  let regime = options.startRegime ?? 0;
  let price = options.startPrice ?? 100;
  let index = 0;
  return {
    next() {
      if (index > 0) {
        let u = rng.uniform();
        const row = transitions[regime]!;
        let nextRegime = row.findIndex((p) => (u -= p) < 0);
        if (nextRegime < 0) nextRegime = row.length - 1;
        regime = nextRegime;
      }
      const { drift, volatility } = regimes[regime]!;
      const open = price;
      const close = open * Math.exp(drift + volatility * rng.normal());
      const high = Math.max(open, close) * Math.exp(0.5 * volatility * Math.abs(rng.normal()));
      const low = Math.min(open, close) * Math.exp(-0.5 * volatility * Math.abs(rng.normal()));
      const volume = Math.round(1000 * (volatility / 0.004) * Math.exp(0.3 * rng.normal()));
      const bar: SimBar = {
        timestamp: options.start + index * options.timeframeMs,
        open,
        high,
        low,
        close,
        volume,
        regime,
      };
      price = close;
      index += 1;
      return bar;
    },
  };
}

/** `count` bars from a fresh generator, and each one's regime name. */
export function generateSimBars(options: SimMarketOptions & { count: number }): {
  bars: Bar[];
  regimes: string[];
} {
  const generator = createSimBarGenerator(options);
  const names = (options.regimes ?? SIM_REGIMES).map((r) => r.name);
  const bars: Bar[] = [];
  const regimes: string[] = [];
  for (let i = 0; i < options.count; i++) {
    const { regime, ...bar } = generator.next();
    bars.push(bar);
    regimes.push(names[regime]!);
  }
  return { bars, regimes };
}

/** A per-symbol seed, so each simulated symbol has its own path. */
export function symbolSeed(seed: number, symbol: string): number {
  let hash = seed >>> 0;
  for (const char of symbol) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}
