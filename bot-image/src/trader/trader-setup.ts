import type { Environment } from '@hmmtrade/platform';
import { createAlpacaBroker } from './broker/alpaca-broker.ts';
import { ALPACA_URLS, createAlpacaClient } from './broker/alpaca-client.ts';
import { createEnvFileCredentials } from './broker/alpaca-credentials.ts';
import { createAlpacaMarketData } from './broker/alpaca-market-data.ts';
import type { Broker } from './broker/broker.ts';
import { createPaperBroker } from './broker/paper-broker.ts';
import type { Clock, Sleep } from './clock.ts';
import { loadTraderEnv } from './config.ts';
import type { TraderInstance } from './instance-config.ts';
import { TIMEFRAME_MS } from './market-data/bar.ts';
import type { MarketData } from './market-data/market-data.ts';
import { createSimMarketData } from './market-data/sim-market-data.ts';

/** The broker and market data an instance trades with. */
export interface TraderDeps {
  broker: Broker;
  marketData: MarketData;
}

/** What building them needs besides the instance. */
export interface TraderSetupOptions {
  env: Environment;
  /** The supervisor's `.env`, re-read when it changes (alpaca only). */
  envFile: string | undefined;
  clock: Clock;
  sleep: Sleep;
  /** Starting cash of the sim broker. Default 100 000. */
  initialCash?: number;
  /** Seed of the simulated market. Default 1. */
  seed?: number;
}

/**
 * alpaca: the Alpaca adapters, paper or live trading URL by mode unless APCA_API_BASE_URL says
 * otherwise. sim: the paper broker on the seeded simulated market, which releases one bar per
 * timeframe of the clock and starts with enough history to fit the first model.
 */
export function createTraderDeps(
  instance: TraderInstance,
  options: TraderSetupOptions,
): TraderDeps {
  const { profile } = instance;
  if (instance.broker === 'sim') {
    return {
      broker: createPaperBroker({ initialCash: options.initialCash ?? 100_000 }),
      marketData: createSimMarketData({
        symbols: profile.symbols,
        timeframeMs: TIMEFRAME_MS[profile.timeframe],
        seed: options.seed ?? 1,
        clock: options.clock,
        // Above any warm-up: the lookback, the feature warm-up and the strategies' history.
        historyBars: profile.hmm.lookbackBars + 200,
      }),
    };
  }
  const env = loadTraderEnv(options.env);
  const client = createAlpacaClient({
    credentials: createEnvFileCredentials({ envFile: options.envFile, env: options.env }),
    tradingBaseUrl: env.tradingBaseUrl ?? ALPACA_URLS[instance.mode],
    dataBaseUrl: env.dataBaseUrl ?? ALPACA_URLS.data,
  });
  return {
    broker: createAlpacaBroker({
      client,
      assetClass: profile.assetClass,
      symbols: profile.symbols,
      sleep: options.sleep,
    }),
    marketData: createAlpacaMarketData({
      client,
      assetClass: profile.assetClass,
      timeframe: profile.timeframe,
      clock: options.clock,
      ...(env.dataFeed === undefined ? {} : { feed: env.dataFeed }),
    }),
  };
}
