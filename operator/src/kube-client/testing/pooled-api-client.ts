import { createConfiguration, ServerConfiguration } from '@kubernetes/client-node';
import type {
  Configuration,
  KubeConfig,
  RequestContext,
  SecurityAuthentication,
} from '@kubernetes/client-node';
import { kubeDispatcher } from '../kube-api.ts';

/**
 * `kubeConfig.makeApiClient(type)` on the KubeConfig's one connection pool (kubeDispatcher),
 * for tests and benchmarks that want client-node's typed API classes. client-node 2.0 builds a
 * new undici Agent for every request, so each call would pay a TCP connect and a TLS handshake,
 * which at a thousand bots slows the simulated kubelet and loads the apiserver.
 */
export function makePooledApiClient<T>(
  kubeConfig: KubeConfig,
  apiClientType: new (configuration: Configuration) => T,
): T {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('kubernetes: the kubeconfig has no current cluster');
  return new apiClientType(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: new PooledAuthentication(kubeConfig) },
    }),
  );
}

/** The KubeConfig's own authentication, applied per request, sent through its pool. */
class PooledAuthentication implements SecurityAuthentication {
  readonly #kubeConfig: KubeConfig;

  constructor(kubeConfig: KubeConfig) {
    this.#kubeConfig = kubeConfig;
  }

  getName(): string {
    return 'pooled kubeconfig authentication';
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.#kubeConfig.applySecurityAuthentication(context);
    context.setDispatcher(await kubeDispatcher(this.#kubeConfig));
  }
}
