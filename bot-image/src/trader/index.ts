// The reference HMM regime trader: the CLI entry, the live loop, the backtest and their parts.
export * from './hmm/index.ts';

export { traderMain, TRADER_EXIT, TRADER_USAGE } from './trader-cli.ts';
export type { TraderIo } from './trader-cli.ts';
export { runTrader } from './trader.ts';
export type { RunTraderOptions, TraderRunResult } from './trader.ts';
export { createTraderDeps } from './trader-setup.ts';
export type { TraderDeps, TraderSetupOptions } from './trader-setup.ts';
export { parseInstanceYaml, readInstanceFile } from './instance-config.ts';
export type { TraderInstance } from './instance-config.ts';
export { loadTraderEnv } from './config.ts';
export type { TraderEnv } from './config.ts';
export { createTradingEngine } from './trading-engine.ts';
export type { TraderProfile, TradingEngine, TradingEngineOptions } from './trading-engine.ts';
export { createLineEmitter } from './trader-events.ts';
export type { EmitEvent } from './trader-events.ts';
export { createSystemClock, createTimerSleep } from './clock.ts';
export type { Clock, Sleep } from './clock.ts';

export { runBacktest, formatBacktestReport } from './backtest/backtest.ts';
export type { BacktestOptions, BacktestResult } from './backtest/backtest.ts';
export { renderBacktestSvg, REGIME_COLORS } from './backtest/backtest-svg.ts';
export { loadBacktestData } from './backtest/backtest-data.ts';
export type { BacktestData, BacktestDataOptions } from './backtest/backtest-data.ts';
export { equityMetrics } from './backtest/backtest-metrics.ts';
export type { BacktestMetrics, EquityPoint } from './backtest/backtest-metrics.ts';

export { createRegimeEngine } from './regime/regime-engine.ts';
export type { HmmProfile, ModelFit, RegimeEngine, RegimeUpdate } from './regime/regime-engine.ts';
export * from './features/indicators.ts';
export { createRollingZScore } from './features/rolling-zscore.ts';
export { createFeaturePipeline } from './features/feature-pipeline.ts';
export type { FeaturePipeline, FeatureVector, HmmFeature } from './features/feature-pipeline.ts';

export { createStrategyRouter, createFlatStrategy } from './strategies/strategy-router.ts';
export type { Routing, StrategyRouter } from './strategies/strategy-router.ts';
export { createTrendStrategy } from './strategies/trend-strategy.ts';
export { createMeanReversionStrategy } from './strategies/mean-reversion-strategy.ts';
export type { Strategy, StrategyContext, StrategyName } from './strategies/strategy.ts';

export { evaluateOrder } from './risk/risk-gates.ts';
export type {
  ProposedOrder,
  RiskDecision,
  RiskGate,
  RiskLimits,
  RiskSnapshot,
} from './risk/risk-gates.ts';
export { sizeOrder } from './risk/order-sizing.ts';

export { BrokerError } from './broker/broker.ts';
export type { Account, Broker, Fill, MarketOrder, Position } from './broker/broker.ts';
export { createPaperBroker } from './broker/paper-broker.ts';
export type { PaperBroker, PaperBrokerOptions } from './broker/paper-broker.ts';
export { ALPACA_URLS, createAlpacaClient } from './broker/alpaca-client.ts';
export type { AlpacaClient, AlpacaConnection } from './broker/alpaca-client.ts';
export { createEnvFileCredentials } from './broker/alpaca-credentials.ts';
export { createAlpacaBroker } from './broker/alpaca-broker.ts';
export { createAlpacaMarketData } from './broker/alpaca-market-data.ts';

export { TIMEFRAME_MS, barsPerYear, createDayKey, tradingTimeZone } from './market-data/bar.ts';
export type { Bar, Timeframe } from './market-data/bar.ts';
export type { MarketData } from './market-data/market-data.ts';
export { createSimMarketData } from './market-data/sim-market-data.ts';
export {
  createSimBarGenerator,
  generateSimBars,
  SIM_REGIMES,
  SIM_TRANSITIONS,
} from './market-data/sim-generator.ts';
export { CsvBarsError, parseCsvBars, readCsvBars } from './market-data/csv-bars.ts';
