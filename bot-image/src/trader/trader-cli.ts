import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, describeError } from '@hmmtrade/platform';
import { runBacktestCommand } from './backtest/backtest-command.ts';
import { intOption, numberOption, TraderUsageError, type TraderIo } from './cli-options.ts';
import { createSystemClock, createTimerSleep } from './clock.ts';
import { loadTraderEnv, processEnvironment } from './config.ts';
import { CsvBarsError } from './market-data/csv-bars.ts';
import { readInstanceFile } from './instance-config.ts';
import { runTrader } from './trader.ts';
import { createTraderDeps } from './trader-setup.ts';

export type { TraderIo } from './cli-options.ts';

/** Exit codes, as the rest of hmmtrade: 0 ok, 1 the work failed, 2 bad usage or config. */
export const TRADER_EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const TRADER_USAGE = `usage: hmmtrade trader <command> [options]

  run --config <instance.yaml>    trade live (paper or real broker) until SIGTERM/SIGINT
      [--env-file <path>]         the supervisor's .env (default: $HMMTRADE_ENV_FILE, else
                                  <work>/.env beside config/instances/, else ./.env)
      [--seed <n>] [--cash <n>]   seed of the sim market and model fits; sim starting cash
      [--max-ticks <n>]           stop after n ticks

  backtest --data sim|<file.csv>  walk-forward backtest; prints metrics
      [--out <chart.svg>]         write the equity-and-regime chart
      [--config <instance.yaml>]  profile to test (default: one symbol, 1Hour, crypto)
      [--symbol <S>] [--timeframe <tf>] [--asset-class stocks|crypto]
      [--bars <n>] [--seed <n>] [--cash <n>] [--fee-bps <n>] [--slippage-bps <n>]
      [--events]                  also print every trader event line
`;

/**
 * The `hmmtrade trader …` entry: `argv` is what follows `trader` (e.g.
 * `['run', '--config', 'config/instances/b1.yaml']`). Resolves with the exit code.
 */
export async function traderMain(argv: string[], io: TraderIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'run') return await runCommand(rest, io);
    if (command === 'backtest') return await runBacktestCommand(rest, io);
    if (command === undefined || command === 'help' || command === '--help') {
      io.stdout.write(TRADER_USAGE);
      return command === undefined ? TRADER_EXIT.usage : TRADER_EXIT.ok;
    }
    throw new TraderUsageError(`unknown command '${command}'`);
  } catch (error) {
    // A bad instance file, option or data file is the caller's to fix: exit 2, like bad config.
    const usage =
      error instanceof ConfigError || error instanceof CsvBarsError || isArgError(error);
    io.stderr.write(`hmmtrade trader: ${describeError(error)}\n`);
    if (error instanceof TraderUsageError || isArgError(error)) io.stderr.write(TRADER_USAGE);
    return usage ? TRADER_EXIT.usage : TRADER_EXIT.failed;
  }
}

async function runCommand(args: string[], io: TraderIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      config: { type: 'string' },
      'env-file': { type: 'string' },
      seed: { type: 'string' },
      cash: { type: 'string' },
      'max-ticks': { type: 'string' },
    },
  });
  if (values.config === undefined) throw new TraderUsageError('run needs --config <instance.yaml>');
  const instance = await readInstanceFile(values.config);
  const clock = io.clock ?? createSystemClock();
  const sleep = io.sleep ?? createTimerSleep();
  const seed = intOption(values.seed, '--seed', 0);
  const maxTicks =
    values['max-ticks'] === undefined
      ? undefined
      : intOption(values['max-ticks'], '--max-ticks', 1);
  const env = io.env ?? processEnvironment();
  const deps = createTraderDeps(instance, {
    env,
    envFile: values['env-file'] ?? loadTraderEnv(env).envFile ?? defaultEnvFile(values.config),
    clock,
    sleep,
    ...(values.cash === undefined ? {} : { initialCash: numberOption(values.cash, '--cash') }),
    ...(seed === undefined ? {} : { seed }),
  });
  await runTrader({
    profile: instance.profile,
    ...deps,
    write: (line) => io.stdout.write(line),
    signal: io.signal,
    clock,
    sleep,
    ...(seed === undefined ? {} : { seed }),
    ...(maxTicks === undefined ? {} : { maxTicks }),
  });
  return TRADER_EXIT.ok;
}

/** `<work>/.env` for `<work>/config/instances/<id>.yaml` (the supervisor's layout), else ./.env. */
function defaultEnvFile(configPath: string): string | undefined {
  const instancesDir = dirname(resolve(configPath));
  const candidates = [join(instancesDir, '..', '..', '.env'), resolve('.env')];
  if (!instancesDir.endsWith(join('config', 'instances'))) candidates.shift();
  return candidates.find((path) => existsSync(path));
}

function isArgError(error: unknown): boolean {
  const code: unknown = error instanceof TypeError ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
