import { createInProcessChangeFeed } from '@hmmtrade/operator';
import { createDb, migrateToLatest } from '@hmmtrade/db';
import { createLogger, createMetricsRegistry } from '@hmmtrade/platform';
import type { CliConfig } from '../config.ts';
import { VERSION } from '../version.ts';
import { serveApi } from './api.ts';
import { loadMachineTokens, machineKeyPath } from './machine-key.ts';
import { startOperator } from './operator.ts';

/** A started stack and how to stop it. */
export interface RunningStack {
  url: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * Everything on one machine: the database (embedded unless DATABASE_URL), migrations, the API
 * and the operator (local runtime by default). On failure, whatever started is stopped.
 */
export async function startStack(
  config: CliConfig,
  print: (line: string) => void,
): Promise<RunningStack> {
  const logger = createLogger({ component: 'hmmtrade', level: config.logLevel });
  const registry = createMetricsRegistry({ defaultLabels: { app: 'hmmtrade' } });
  const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const { applied } = await migrateToLatest(database.db);
    // One wake-up feed shared by the API (publishes bot writes) and the operator (listens).
    const botChanges = createInProcessChangeFeed();
    const machineTokens = await loadMachineTokens(machineKeyPath(config.dataDir), 'hmmtrade');
    const server = await serveApi({
      config,
      database,
      registry,
      logger: logger.child({ component: 'api' }),
      machineTokens,
      botChanges,
    });
    const operator = await startOperator({
      config,
      database,
      registry,
      logger: logger.child({ component: 'operator' }),
      apiUrl: server.url,
      ...(database.embedded ? { feed: botChanges } : {}),
      mintMachineToken: (botId) => machineTokens.mint(botId),
    }).catch(async (error: unknown) => {
      await server.close();
      throw error;
    });
    print(`HMM Trade ${VERSION} is up at ${server.url}`);
    print(
      database.embedded
        ? `database: embedded PGlite at ${database.connectionString} (data in ${config.dataDir})`
        : `database: ${database.location}`,
    );
    print(`migrations: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
    print(`operator: ${config.operator.runtime} runtime`);
    print('press Ctrl-C to stop');
    return {
      url: server.url,
      databaseUrl: database.connectionString,
      stop: async () => {
        await operator.stop();
        await server.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
