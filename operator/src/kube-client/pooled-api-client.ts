import { createConfiguration, ServerConfiguration } from '@kubernetes/client-node';
import type {
  Configuration,
  KubeConfig,
  RequestContext,
  SecurityAuthentication,
} from '@kubernetes/client-node';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

const pools = new WeakMap<KubeConfig, PooledAuthentication>();

/**
 * `kubeConfig.makeApiClient(type)`, but every client made from one KubeConfig shares one
 * keep-alive connection pool. @kubernetes/client-node 2.0 builds a new undici Agent for every
 * request, so each call paid a TCP connect, a TLS handshake and a new SecureContext: at a
 * thousand bots that was most of the operator's CPU and much of its memory.
 */
export function makePooledApiClient<T>(
  kubeConfig: KubeConfig,
  apiClientType: new (configuration: Configuration) => T,
): T {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('kubernetes: the kubeconfig has no current cluster');
  let auth = pools.get(kubeConfig);
  if (!auth) {
    auth = new PooledAuthentication(kubeConfig);
    pools.set(kubeConfig, auth);
  }
  return new apiClientType(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: auth },
    }),
  );
}

/**
 * The KubeConfig's own authentication (headers are applied per request, so rotated tokens and
 * exec credentials keep working), with the first request's dispatcher kept for every later one.
 */
class PooledAuthentication implements SecurityAuthentication {
  #pool: Dispatcher | undefined;
  readonly #kubeConfig: KubeConfig;

  constructor(kubeConfig: KubeConfig) {
    this.#kubeConfig = kubeConfig;
  }

  getName(): string {
    return 'pooled kubeconfig authentication';
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.#kubeConfig.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (!fresh) return; // plain HTTP without TLS options: fetch's global pool already applies
    this.#pool ??= fresh;
    if (fresh !== this.#pool) context.setDispatcher(this.#pool);
  }
}
