import type { RequestOptions } from 'node:https';
import { createConfiguration, ServerConfiguration } from '@kubernetes/client-node';
import type {
  Configuration,
  KubeConfig,
  RequestContext,
  SecurityAuthentication,
} from '@kubernetes/client-node';
import { Agent } from 'undici';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/** HTTP/1.1 connections per apiserver (undici negotiates HTTP/2 when the server offers it). */
const CONNECTIONS = 32;

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
 * The KubeConfig's own authentication, applied per request (so rotated tokens and exec
 * credentials keep working), sent through one pool built from the KubeConfig's TLS settings.
 * Behind a proxy the KubeConfig's own per-request dispatcher is kept.
 */
class PooledAuthentication implements SecurityAuthentication {
  #pool: Promise<Dispatcher | undefined> | undefined;
  readonly #kubeConfig: KubeConfig;

  constructor(kubeConfig: KubeConfig) {
    this.#kubeConfig = kubeConfig;
  }

  getName(): string {
    return 'pooled kubeconfig authentication';
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.#kubeConfig.applySecurityAuthentication(context);
    this.#pool ??= this.#createPool();
    const pool = await this.#pool;
    if (pool && context.getDispatcher()) context.setDispatcher(pool);
  }

  async #createPool(): Promise<Dispatcher | undefined> {
    const tls: RequestOptions = {};
    await this.#kubeConfig.applyToHTTPSOptions(tls);
    const options = this.#kubeConfig.createDispatcherOptions(this.#kubeConfig.getCurrentCluster(), {
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      pfx: tls.pfx,
      passphrase: tls.passphrase,
      ...(tls.rejectUnauthorized === undefined
        ? {}
        : { rejectUnauthorized: tls.rejectUnauthorized }),
      ...(tls.servername === undefined ? {} : { servername: tls.servername }),
    });
    if (options.type !== 'agent') return undefined;
    return new Agent({ connect: options.connect, connections: CONNECTIONS });
  }
}
