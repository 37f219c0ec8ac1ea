import { KubeConfig } from '@kubernetes/client-node';
import type { DbHandle } from '@hmmtrade/db';
import { assembleKubernetesOperator } from '@hmmtrade/operator/kubernetes';
import type { Logger, Registry } from '@hmmtrade/platform';
import type { CliConfig } from '../config.ts';

/**
 * In a cluster: TradingBots from the apiserver (kubeconfig from KUBECONFIG or the pod's service
 * account), a Lease, and one Pod per bot; bots are mirrored into the database for the dashboard.
 */
export async function startKubernetesOperator(
  config: CliConfig,
  database: DbHandle,
  registry: Registry,
  logger: Logger,
  mintMachineToken: (botId: string) => Promise<string>,
) {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const operator = assembleKubernetesOperator({
    kubeConfig,
    db: database.db,
    logger,
    registry,
    settings: {
      namespace: config.operator.namespace,
      apiUrl: config.operator.apiUrl ?? 'http://127.0.0.1:8080',
      concurrency: config.operator.concurrency,
      resyncPeriodMs: config.operator.resyncSeconds * 1000,
      mintMachineToken,
    },
  });
  await operator.start();
  return operator;
}
