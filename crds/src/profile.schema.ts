import { z } from 'zod';

import { LIST_TYPE_SET, noDuplicates } from './common.schema.ts';
import { hmmRules, riskRules, withRules } from './cross-field.rules.ts';

export const ASSET_CLASSES = ['stocks', 'crypto'] as const;
export const TIMEFRAMES = ['1Min', '5Min', '15Min', '30Min', '1Hour', '1Day'] as const;
export const HMM_FEATURES = ['logReturn', 'realizedVolatility', 'atr', 'adx', 'rsi'] as const;
export const COVARIANCE_TYPES = ['diag', 'full'] as const;
export const STRATEGIES = ['trend', 'flat', 'meanReversion'] as const;

/** Stock tickers (AAPL, BRK.B) and crypto pairs (BTC/USD), uppercase. */
export const SYMBOL_PATTERN = /^[A-Z0-9]{1,10}([.-][A-Z0-9]{1,5})?(\/[A-Z0-9]{2,10})?$/;
export const MAX_SYMBOLS = 50;
/** Regime labels the trader emits: camelCase words such as calm, choppy, panic. */
export const REGIME_LABEL_PATTERN = /^[a-z][a-zA-Z0-9]{0,31}$/;
export const MAX_ROUTES = 16;

export const DEFAULT_ROUTING = { calm: 'trend', choppy: 'meanReversion', panic: 'flat' } as const;

const pct = (what: string, fallback: number) =>
  z
    .number()
    .gt(0)
    .lte(1)
    .default(fallback)
    .describe(`${what}, as a fraction in (0, 1]; 0.1 means 10%.`);

const symbolSchema = z
  .string()
  .min(1, { abort: true })
  .max(24)
  .regex(SYMBOL_PATTERN, { error: 'must be an uppercase ticker such as AAPL, BRK.B or BTC/USD' })
  .describe('Ticker (AAPL) or crypto pair (BTC/USD), uppercase.');

export const hmmSchema = withRules(
  z.strictObject({
    minStates: z
      .int()
      .min(2)
      .max(10)
      .default(2)
      .describe('Fewest hidden states BIC may choose; at most maxStates.'),
    maxStates: z.int().min(2).max(10).default(4).describe('Most hidden states BIC may choose.'),
    covariance: z
      .enum(COVARIANCE_TYPES)
      .default('diag')
      .describe('Gaussian emission covariance: diag (robust, fewer parameters) or full.'),
    features: z
      .array(z.enum(HMM_FEATURES))
      .min(1)
      .max(HMM_FEATURES.length)
      .superRefine(noDuplicates)
      .default(['logReturn', 'realizedVolatility', 'atr'])
      .meta({ ...LIST_TYPE_SET, description: 'Features the HMM is fitted on, each at most once.' }),
    lookbackBars: z
      .int()
      .min(50)
      .max(10000)
      .default(500)
      .describe('Bars of history each fit uses.'),
    retrainEveryBars: z
      .int()
      .min(1)
      .max(10000)
      .default(100)
      .describe('Refit the model after this many new bars.'),
    minConfidence: z
      .number()
      .gt(0)
      .lte(1)
      .default(0.6)
      .describe('Posterior probability a regime needs before the bot acts on it, in (0, 1].'),
    stabilityBars: z
      .int()
      .min(1)
      .max(100)
      .default(3)
      .describe('Consecutive bars a new regime must hold before the strategy switches.'),
  }),
  hmmRules,
).describe('Hidden Markov Model settings; the state count is chosen by BIC within the range.');

export const routingSchema = z
  .record(
    z
      .string()
      .regex(REGIME_LABEL_PATTERN, { error: 'must be a camelCase regime label such as calm' }),
    z.enum(STRATEGIES),
  )
  .superRefine((routes, ctx) => {
    const count = Object.keys(routes).length;
    if (count < 1) ctx.addIssue({ code: 'custom', message: 'must map at least 1 regime' });
    if (count > MAX_ROUTES) {
      ctx.addIssue({ code: 'custom', message: `must map at most ${MAX_ROUTES} regimes` });
    }
  })
  .default(DEFAULT_ROUTING)
  .meta({
    minProperties: 1,
    maxProperties: MAX_ROUTES,
    // zod checks keys with the record's key schema; the apiserver needs the same pattern as CEL.
    'x-kubernetes-validations': [
      {
        rule: `self.all(k, k.matches('${REGIME_LABEL_PATTERN.source}'))`,
        message: 'keys must be camelCase regime labels such as calm',
      },
    ],
    description:
      'Regime label to strategy (trend, flat or meanReversion). Labels not listed trade flat.',
  });

export const riskSchema = withRules(
  z.strictObject({
    maxPositionPct: pct('Largest single position relative to equity', 0.1),
    maxExposurePct: pct('Largest total exposure relative to equity', 0.5),
    maxDailyDrawdownPct: pct('Loss from the starting equity of the day that halts trading', 0.05),
    maxTradesPerDay: z
      .int()
      .min(1)
      .max(1000)
      .default(20)
      .describe('Orders allowed per trading day; further orders are rejected.'),
    maxLeverage: z
      .number()
      .gt(0)
      .lte(4)
      .default(1)
      .describe('Gross exposure over equity, in (0, 4]; 1 means no leverage.'),
  }),
  riskRules,
).describe('Risk gates every proposed order passes; a rejected order is audited with its reason.');

export const profileSchema = z
  .strictObject({
    symbols: z
      .array(symbolSchema)
      .min(1)
      .max(MAX_SYMBOLS)
      .superRefine(noDuplicates)
      .meta({ ...LIST_TYPE_SET, description: `Instruments to trade, 1 to ${MAX_SYMBOLS}.` }),
    assetClass: z
      .enum(ASSET_CLASSES)
      .describe('stocks (US equities, market hours) or crypto (around the clock).'),
    timeframe: z.enum(TIMEFRAMES).default('5Min').describe('Bar size the model reads.'),
    tickIntervalSeconds: z
      .int()
      .min(1)
      .max(86400)
      .default(60)
      .describe('Seconds between two ticks of the trading loop.'),
    hmm: hmmSchema.prefault({}),
    routing: routingSchema,
    risk: riskSchema.prefault({}),
  })
  .describe('What the bot trades and how: instruments, model, regime routing, risk gates.');
