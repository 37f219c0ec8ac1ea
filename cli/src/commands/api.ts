import { randomBytes } from 'node:crypto';
import { createApp, type MachineTokens } from '@hmmtrade/api';
import { createDb, migrateToLatest, type DbHandle } from '@hmmtrade/db';
import {
  createLogger,
  createMetricsRegistry,
  listen,
  type ListeningServer,
  type Logger,
  type Registry,
} from '@hmmtrade/platform';
import type { CliConfig } from '../config.ts';
import { VERSION } from '../version.ts';
import { createBrokerKms } from './broker-kms.ts';
import { loadMachineTokens, machineKeyPath } from './machine-key.ts';

/** The control plane served on the configured host and port. */
export async function serveApi(deps: {
  config: CliConfig;
  database: DbHandle;
  registry: Registry;
  logger: Logger;
  machineTokens: MachineTokens;
  botChanges?: { publish(botId: string): void };
}): Promise<ListeningServer> {
  const { config, database } = deps;
  const app = createApp({
    version: VERSION,
    logger: deps.logger,
    registry: deps.registry,
    db: database.db,
    settings: {
      csrfSecret: config.csrfSecret ?? randomBytes(32).toString('base64url'),
      secureCookies: config.secureCookies,
      authAttemptsPerMinute: 20,
    },
    ...(deps.botChanges ? { botChanges: deps.botChanges } : {}),
    machineTokens: deps.machineTokens,
    brokerKms: await createBrokerKms(config),
    readiness: async () => {
      await database.pool.query('SELECT 1');
      return { ready: true };
    },
  });
  return listen(app, { host: config.host, port: config.port });
}

/** `hmmtrade api`: the control plane alone (migrates first), for deployments with a separate operator. */
export async function startApiProcess(config: CliConfig, print: (line: string) => void) {
  const logger = createLogger({ component: 'api', level: config.logLevel });
  const registry = createMetricsRegistry({ defaultLabels: { app: 'hmmtrade-api' } });
  const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database.db);
    const machineTokens = await loadMachineTokens(machineKeyPath(config.dataDir), 'hmmtrade');
    const server = await serveApi({ config, database, registry, logger, machineTokens });
    print(`API ${VERSION} is up at ${server.url}`);
    return {
      stop: async () => {
        await server.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
