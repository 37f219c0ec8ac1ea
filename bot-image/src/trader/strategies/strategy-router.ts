import type { TradingBotSpec } from '@hmmtrade/crds';
import { createMeanReversionStrategy } from './mean-reversion-strategy.ts';
import type { Strategy, StrategyName } from './strategy.ts';
import { createTrendStrategy } from './trend-strategy.ts';

/** Regime label → strategy name, as the profile's `routing`. */
export type Routing = TradingBotSpec['profile']['routing'];

/** Targets zero: the safe answer when the regime is unknown or routed to flat. */
export function createFlatStrategy(): Strategy {
  return { name: 'flat', minHistory: 0, targetWeight: () => 0 };
}

/** Picks the strategy of a regime. */
export interface StrategyRouter {
  /** The routed strategy; flat for a label not in the routing and while no regime is known. */
  strategyFor(label: string | null): Strategy;
  /** Closes the router's strategies need, the most any of them does. */
  readonly historyBars: number;
}

/** One instance per strategy name, shared by every regime routed to it. */
export function createStrategyRouter(routing: Routing): StrategyRouter {
  const strategies: Record<StrategyName, Strategy> = {
    trend: createTrendStrategy(),
    meanReversion: createMeanReversionStrategy(),
    flat: createFlatStrategy(),
  };
  return {
    strategyFor: (label) =>
      strategies[label !== null && Object.hasOwn(routing, label) ? routing[label]! : 'flat'],
    historyBars: Math.max(...Object.values(strategies).map((s) => s.minHistory)),
  };
}
