import { join } from 'node:path';
import { DEFAULT_IMAGE, type Backend } from '@hmmtrade/crds';
import type { DbHandle } from '@hmmtrade/db';
import { startFlySim } from '@hmmtrade/testkit/fly-sim';
import { ConfigError, type Logger, type Registry } from '@hmmtrade/platform';
import {
  assembleOperator,
  createFakeRuntime,
  createFlyRuntime,
  createLocalRuntime,
  type BotChangeFeed,
  type BotRuntime,
} from '@hmmtrade/operator';
import type { CliConfig } from '../config.ts';
import { botCommand } from './bot-command.ts';

/** A started operator and how to stop it. */
export interface RunningOperator {
  isLeader(): boolean;
  stop(): Promise<void>;
}

/**
 * Starts the reconciler on `database` with the configured runtime: `local` runs each bot as a
 * process (state under `<dataDir>/runtime/local`), `fake` keeps instances in memory (demos,
 * benchmarks), `fly` drives the Fly Machines API, `fly-sim` starts the Fly simulator in this
 * process (machines of the default image run `hmmtrade bot`). Its metrics go to `registry`.
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
  const started = await createRuntime(config, deps.logger);
  const { runtime, backend } = started;
  const operator = assembleOperator({
    database: deps.database,
    runtime,
    logger: deps.logger,
    registry: deps.registry,
    settings: {
      backend,
      apiUrl: config.operator.apiUrl ?? deps.apiUrl,
      concurrency: config.operator.concurrency,
      resyncPeriodMs: config.operator.resyncSeconds * 1000,
      ...(deps.feed ? { feed: deps.feed } : {}),
      ...(deps.mintMachineToken ? { mintMachineToken: deps.mintMachineToken } : {}),
    },
  });
  await operator.start();
  return {
    isLeader: () => operator.isLeader(),
    stop: async () => {
      await operator.stop();
      await started.stop();
    },
  };
}

/** A runtime and what it takes to stop what it started (fly-sim runs in this process). */
interface OperatorRuntime {
  runtime: BotRuntime;
  backend: Backend;
  stop: () => Promise<void>;
}

async function createRuntime(config: CliConfig, logger: Logger): Promise<OperatorRuntime> {
  const { operator } = config;
  const command = botCommand(config);
  const none = () => Promise.resolve();
  switch (operator.runtime) {
    case 'fake':
      return { runtime: createFakeRuntime(), backend: 'local', stop: none };
    case 'local':
      return {
        runtime: createLocalRuntime({
          stateDir: join(config.dataDir, 'runtime', 'local'),
          command,
          baseEnv: operator.baseEnv,
          logger: logger.child({ component: 'local-runtime' }),
        }),
        backend: 'local',
        stop: none,
      };
    case 'fly-sim': {
      const sim = await startFlySim({
        images: { [DEFAULT_IMAGE]: command },
        baseEnv: operator.baseEnv,
      });
      logger.info({ url: sim.url }, 'fly-sim started');
      const runtime = createFlyRuntime({
        apiUrl: sim.url,
        token: sim.token,
        app: operator.fly.app,
        orgSlug: operator.fly.org ?? 'personal',
        logger: logger.child({ component: 'fly-runtime' }),
      });
      return { runtime, backend: 'fly', stop: () => sim.stop() };
    }
    case 'kubernetes':
      throw new ConfigError(
        'invalid configuration: OPERATOR_RUNTIME: kubernetes runs only as `hmmtrade operator` in a cluster',
      );
    case 'fly':
      if (!operator.fly.token) {
        throw new ConfigError('invalid configuration: FLY_API_TOKEN: required with --runtime fly');
      }
      return {
        runtime: createFlyRuntime({
          apiUrl: operator.fly.apiUrl,
          token: operator.fly.token,
          app: operator.fly.app,
          ...(operator.fly.org ? { orgSlug: operator.fly.org } : {}),
          ...(operator.fly.region ? { region: operator.fly.region } : {}),
          logger: logger.child({ component: 'fly-runtime' }),
        }),
        backend: 'fly',
        stop: none,
      };
  }
}
