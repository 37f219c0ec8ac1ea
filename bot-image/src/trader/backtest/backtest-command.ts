import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ASSET_CLASSES, profileSchema, TIMEFRAMES } from '@hmmtrade/crds';
import { ConfigError } from '@hmmtrade/platform';
import { readInstanceFile } from '../instance-config.ts';
import { intOption, numberOption, TraderUsageError, type TraderIo } from '../cli-options.ts';
import { createLineEmitter } from '../trader-events.ts';
import type { TraderProfile } from '../trading-engine.ts';
import { formatBacktestReport, runBacktest } from './backtest.ts';
import { loadBacktestData } from './backtest-data.ts';
import { renderBacktestSvg } from './backtest-svg.ts';

/**
 * `hmmtrade trader backtest --data sim|<csv> [--out chart.svg] …`: loads the profile (the
 * instance file's, or a one-symbol default), runs the walk-forward backtest, prints the report
 * and writes the chart. Returns the exit code.
 */
export async function runBacktestCommand(args: string[], io: TraderIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      config: { type: 'string' },
      symbol: { type: 'string' },
      timeframe: { type: 'string' },
      'asset-class': { type: 'string' },
      bars: { type: 'string' },
      seed: { type: 'string' },
      cash: { type: 'string' },
      'fee-bps': { type: 'string' },
      'slippage-bps': { type: 'string' },
      events: { type: 'boolean' },
    },
  });
  if (values.data === undefined) throw new TraderUsageError('backtest needs --data sim|<file.csv>');
  const profile = await backtestProfile(values);
  const seed = intOption(values.seed, '--seed', 0);
  const data = await loadBacktestData({
    data: values.data,
    profile,
    simBars: intOption(values.bars, '--bars', 1) ?? profile.hmm.lookbackBars + 2500,
    ...(seed === undefined ? {} : { seed }),
  });
  const result = await runBacktest({
    profile,
    bars: data.bars,
    source: data.source,
    ...(values.cash === undefined ? {} : { initialCash: numberOption(values.cash, '--cash') }),
    ...(values['fee-bps'] === undefined
      ? {}
      : { feeRate: numberOption(values['fee-bps'], '--fee-bps') / 10_000 }),
    ...(values['slippage-bps'] === undefined
      ? {}
      : { slippageBps: numberOption(values['slippage-bps'], '--slippage-bps') }),
    ...(seed === undefined ? {} : { seed }),
    ...(values.events ? { emit: createLineEmitter((line) => io.stdout.write(line)) } : {}),
  });
  io.stdout.write(formatBacktestReport(result));
  if (values.out !== undefined) {
    await writeFile(values.out, renderBacktestSvg(result));
    io.stdout.write(`chart            ${values.out}\n`);
  }
  return 0;
}

async function backtestProfile(values: {
  config?: string | undefined;
  symbol?: string | undefined;
  timeframe?: string | undefined;
  'asset-class'?: string | undefined;
}): Promise<TraderProfile> {
  const base: Record<string, unknown> = values.config
    ? { ...(await readInstanceFile(values.config)).profile }
    : { symbols: ['SIM'], assetClass: 'crypto', timeframe: '1Hour' };
  if (values.symbol !== undefined) base.symbols = [values.symbol];
  if (values.timeframe !== undefined) {
    if (!(TIMEFRAMES as readonly string[]).includes(values.timeframe)) {
      throw new ConfigError(`--timeframe must be one of ${TIMEFRAMES.join(', ')}`);
    }
    base.timeframe = values.timeframe;
  }
  if (values['asset-class'] !== undefined) {
    if (!(ASSET_CLASSES as readonly string[]).includes(values['asset-class'])) {
      throw new ConfigError(`--asset-class must be one of ${ASSET_CLASSES.join(', ')}`);
    }
    base.assetClass = values['asset-class'];
  }
  const parsed = profileSchema.safeParse(base);
  if (!parsed.success) {
    throw new ConfigError(
      `backtest profile: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
