import { createDb, migrateToLatest } from '@hmmtrade/db';
import {
  createHealthRouter,
  createLogger,
  createMetricsRegistry,
  listen,
} from '@hmmtrade/platform';
import express from 'express';
import type { CliConfig } from '../config.ts';
import { VERSION } from '../version.ts';
import { loadMachineTokens, machineKeyPath } from './machine-key.ts';

/**
 * `hmmtrade operator`: the reconciler alone, for deployments where the API runs elsewhere.
 * Serves /healthz, /readyz and /metrics on its own port. Several may run: one leads.
 */
export async function startOperatorProcess(config: CliConfig, print: (line: string) => void) {
  const logger = createLogger({ component: 'operator', level: config.logLevel });
  const registry = createMetricsRegistry({ defaultLabels: { app: 'hmmtrade-operator' } });
  const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database.db);
    const app = express();
    app.use(
      createHealthRouter({
        registry,
        version: VERSION,
        readiness: async () => {
          await database.pool.query('SELECT 1');
          return { ready: true };
        },
      }),
    );
    const server = await listen(app, { host: config.host, port: config.port });
    const machineTokens = await loadMachineTokens(machineKeyPath(config.dataDir), 'hmmtrade');
    const operator =
      config.operator.runtime === 'kubernetes'
        ? await (
            await import('./operator-kubernetes.ts')
          ).startKubernetesOperator(config, database, registry, logger, (botId) =>
            machineTokens.mint(botId),
          )
        : await (
            await import('./operator.ts')
          ).startOperator({
            config,
            database,
            registry,
            logger,
            mintMachineToken: (botId) => machineTokens.mint(botId),
            apiUrl: config.operator.apiUrl ?? 'http://127.0.0.1:8080',
          });
    print(
      `operator ${VERSION} started (${config.operator.runtime} runtime); metrics at ${server.url}/metrics`,
    );
    return {
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
