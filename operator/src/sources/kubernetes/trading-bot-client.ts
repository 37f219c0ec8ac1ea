import {
  CustomObjectsApi,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION } from '@hmmtrade/crds';
import { ResourceExpiredError, isGone, isNotFound } from './kube-errors.ts';
import type { TradingBotObject } from './kube-object.ts';
import type { ListPage, ListWatch, WatchEvent, WatchStream } from './list-watch.ts';
import { startWatch } from './watch-stream.ts';
import { makePooledApiClient } from '../../kube-client/pooled-api-client.ts';

/** The TradingBot calls the CRD source makes; a thin layer over @kubernetes/client-node. */
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

interface ListBody {
  items: TradingBotObject[];
  metadata: { resourceVersion: string; continue?: string };
}

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export function createTradingBotClient(
  kubeConfig: KubeConfig,
  options: TradingBotClientOptions = {},
): TradingBotClient {
  const api = makePooledApiClient(kubeConfig, CustomObjectsApi);
  const watcher = new Watch(kubeConfig);
  const resource = { group: GROUP, version: VERSION, plural: PLURAL };
  const { namespace } = options;
  const path = namespace
    ? `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(namespace)}/${PLURAL}`
    : `/apis/${GROUP}/${VERSION}/${PLURAL}`;

  const list = async (page: {
    limit: number;
    continue?: string;
  }): Promise<ListPage<TradingBotObject>> => {
    const params = {
      ...resource,
      limit: page.limit,
      ...(page.continue ? { _continue: page.continue } : {}),
    };
    try {
      const body = (await (namespace
        ? api.listNamespacedCustomObject({ ...params, namespace })
        : api.listClusterCustomObject(params))) as ListBody;
      return {
        items: body.items,
        resourceVersion: body.metadata.resourceVersion,
        ...(body.metadata.continue ? { continue: body.metadata.continue } : {}),
      };
    } catch (error) {
      if (isGone(error))
        throw new ResourceExpiredError('list: continue token expired', { cause: error });
      throw new Error('kubernetes: list tradingbots', { cause: error });
    }
  };

  const watch = (
    resourceVersion: string,
    onEvent: (event: WatchEvent<TradingBotObject>) => void,
  ): WatchStream =>
    startWatch(
      watcher,
      path,
      { resourceVersion, timeoutSeconds: options.watchTimeoutSeconds ?? 300 },
      onEvent,
    );

  return {
    namespace,
    list,
    watch,
    async get(ns, name) {
      try {
        return (await api.getNamespacedCustomObject({
          ...resource,
          namespace: ns,
          name,
        })) as TradingBotObject;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw new Error(`kubernetes: get tradingbot ${ns}/${name}`, { cause: error });
      }
    },
    async mergePatch(ns, name, patch) {
      return (await api.patchNamespacedCustomObject(
        { ...resource, namespace: ns, name, body: patch },
        MERGE_PATCH,
      )) as TradingBotObject;
    },
    async replaceStatus(object) {
      const { name, namespace: ns = 'default' } = object.metadata;
      return (await api.replaceNamespacedCustomObjectStatus({
        ...resource,
        namespace: ns,
        name,
        body: object,
      })) as TradingBotObject;
    },
  };
}
