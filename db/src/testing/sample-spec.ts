import { tradingBotSpecSchema, type TradingBotSpec } from '@hmmtrade/crds';

/** A valid paper bot on the sim broker, with every default applied. */
export function sampleSpec(overrides: Record<string, unknown> = {}): TradingBotSpec {
  return tradingBotSpecSchema.parse({
    mode: 'paper',
    broker: { kind: 'sim' },
    profile: {
      symbols: ['BTC/USD'],
      assetClass: 'crypto',
      timeframe: '1Min',
    },
    runtime: { backend: 'local' },
    ...overrides,
  });
}
