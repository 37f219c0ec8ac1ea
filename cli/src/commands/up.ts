import { randomBytes } from 'node:crypto';
import { createApp } from '@hmmtrade/api';
import { createInProcessChangeFeed } from '@hmmtrade/operator';
import { createDb, migrateToLatest } from '@hmmtrade/db';
import { createLogger, createMetricsRegistry, listen } from '@hmmtrade/platform';
import type { CliConfig } from '../config.ts';
import { VERSION } from '../version.ts';
import { createBrokerKms } from './broker-kms.ts';
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
 * and the operator with the local runtime. Later parts (dashboard) join here. On failure, whatever started is stopped.
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
    const app = createApp({
      version: VERSION,
      logger: logger.child({ component: 'api' }),
      registry,
      db: database.db,
      settings: {
        csrfSecret: randomBytes(32).toString('base64url'),
        secureCookies: false,
        authAttemptsPerMinute: 20,
      },
      botChanges,
      machineTokens,
      brokerKms: await createBrokerKms(config),
      readiness: async () => {
        await database.pool.query('SELECT 1');
        return { ready: true };
      },
    });
    const server = await listen(app, { host: config.host, port: config.port });
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
