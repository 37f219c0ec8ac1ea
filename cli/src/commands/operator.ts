import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { DbHandle } from '@hmmtrade/db';
import type { Logger, Registry } from '@hmmtrade/platform';
import {
  assembleOperator,
  createFakeRuntime,
  createLocalRuntime,
  type BotChangeFeed,
  type BotRuntime,
} from '@hmmtrade/operator';
import type { CliConfig } from '../config.ts';

const HMMTRADE_BIN = fileURLToPath(new URL('../../bin/hmmtrade.js', import.meta.url));

/** A started operator and how to stop it. */
export interface RunningOperator {
  isLeader(): boolean;
  stop(): Promise<void>;
}

/**
 * Starts the reconciler on `database` with the configured runtime: `local` runs each bot as a
 * process (state under `<dataDir>/runtime/local`), `fake` keeps instances in memory (demos,
 * benchmarks). Its metrics go to `registry`.
 */
export async function startOperator(deps: {
  config: CliConfig;
  database: DbHandle;
  registry: Registry;
  logger: Logger;
  apiUrl: string;
  /** Wake-up feed; the default is LISTEN/NOTIFY (or in-process for the embedded database). */
  feed?: BotChangeFeed;
  mintMachineToken?: (botId: string) => Promise<string>;
}): Promise<RunningOperator> {
  const { config } = deps;
  const runtime = createRuntime(config, deps.logger);
  const operator = assembleOperator({
    database: deps.database,
    runtime,
    logger: deps.logger,
    registry: deps.registry,
    settings: {
      backend: 'local',
      apiUrl: config.operator.apiUrl ?? deps.apiUrl,
      concurrency: config.operator.concurrency,
      resyncPeriodMs: config.operator.resyncSeconds * 1000,
      ...(deps.feed ? { feed: deps.feed } : {}),
      ...(deps.mintMachineToken ? { mintMachineToken: deps.mintMachineToken } : {}),
    },
  });
  await operator.start();
  return operator;
}

function createRuntime(config: CliConfig, logger: Logger): BotRuntime {
  if (config.operator.runtime === 'fake') return createFakeRuntime();
  return createLocalRuntime({
    stateDir: join(config.dataDir, 'runtime', 'local'),
    command: config.operator.localCommand ?? [process.execPath, HMMTRADE_BIN, 'bot'],
    baseEnv: config.operator.baseEnv,
    logger: logger.child({ component: 'local-runtime' }),
  });
}
