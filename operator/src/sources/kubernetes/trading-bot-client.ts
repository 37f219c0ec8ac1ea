import type { KubeConfig } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION } from '@hmmtrade/crds';
import { createKubeApi } from '../../kube-client/kube-api.ts';
import { isNotFound } from '../../kube-client/kube-errors.ts';
import type { TradingBotObject } from './kube-object.ts';
import type { ListWatch } from './list-watch.ts';
import { restListWatch } from './rest-list-watch.ts';

/** The TradingBot calls the CRD source makes; JSON over the REST API. */
export interface TradingBotClient extends ListWatch<TradingBotObject> {
  /** The one namespace listed and watched; undefined: all namespaces. */
  readonly namespace: string | undefined;
  /** The object, or undefined when it does not exist. */
  get(namespace: string, name: string): Promise<TradingBotObject | undefined>;
  /**
   * JSON merge patch (RFC 7386) of the object; a `metadata.resourceVersion` in the patch makes
   * it conditional (409 Conflict when the object has moved on).
   */
  mergePatch(namespace: string, name: string, patch: object): Promise<TradingBotObject>;
  /** PUT on the `/status` subresource, conditional on `metadata.resourceVersion` (409). */
  replaceStatus(object: TradingBotObject): Promise<TradingBotObject>;
}

/** Options of createTradingBotClient. */
export interface TradingBotClientOptions {
  /** Watch one namespace; all namespaces when absent. */
  namespace?: string;
  /** Server-side watch timeout, so connections are renewed now and then (default 300 s). */
  watchTimeoutSeconds?: number;
}

export function createTradingBotClient(
  kubeConfig: KubeConfig,
  options: TradingBotClientOptions = {},
): TradingBotClient {
  const api = createKubeApi(kubeConfig);
  const { namespace } = options;
  const inNamespace = (ns: string) =>
    `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(ns)}/${PLURAL}`;
  const objectPath = (ns: string, name: string) => `${inNamespace(ns)}/${encodeURIComponent(name)}`;
  const listWatch = restListWatch<TradingBotObject>({
    api,
    kubeConfig,
    path: namespace ? inNamespace(namespace) : `/apis/${GROUP}/${VERSION}/${PLURAL}`,
    ...(options.watchTimeoutSeconds ? { watchTimeoutSeconds: options.watchTimeoutSeconds } : {}),
  });

  return {
    namespace,
    ...listWatch,
    async get(ns, name) {
      try {
        return await api.get<TradingBotObject>(objectPath(ns, name));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw new Error(`kubernetes: get tradingbot ${ns}/${name}`, { cause: error });
      }
    },
    mergePatch: (ns, name, patch) => api.mergePatch<TradingBotObject>(objectPath(ns, name), patch),
    replaceStatus(object) {
      const { name, namespace: ns = 'default' } = object.metadata;
      return api.put<TradingBotObject>(`${objectPath(ns, name)}/status`, object);
    },
  };
}
