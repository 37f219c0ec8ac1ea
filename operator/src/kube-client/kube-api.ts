import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { KubeApiError, KubeNetworkError, parseStatus } from './kube-errors.ts';

/** Query parameters; undefined ones are left out. */
export type KubeQuery = Record<string, string | number | boolean | undefined>;

/**
 * JSON requests to the apiserver of one KubeConfig: the operator's whole use of the REST API
 * (watches go through @kubernetes/client-node's Watch). Paths are the API's, e.g.
 * `/api/v1/namespaces/ns/pods`. Every error answer is a KubeApiError (code, reason, message),
 * and no answer at all a KubeNetworkError.
 *
 * Plain JSON rather than client-node's generated API classes: those load and (de)serialize
 * through the full model catalogue, ≈ 70 MB of the operator's memory and much of its CPU.
 */
export interface KubeApi {
  get<T>(path: string, query?: KubeQuery): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  /** JSON merge patch (RFC 7386). */
  mergePatch<T>(path: string, patch: unknown): Promise<T>;
  delete<T>(path: string, body?: unknown): Promise<T>;
}

/** HTTP/1.1 connections per apiserver (undici negotiates HTTP/2 when the server offers it). */
const CONNECTIONS = 32;
/** An apiserver that has not answered within this long is treated as unreachable. */
const TIMEOUT_MS = 30_000;

const dispatchers = new WeakMap<KubeConfig, Promise<Dispatcher>>();

export function createKubeApi(kubeConfig: KubeConfig): KubeApi {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('kubernetes: the kubeconfig has no current cluster');
  const origin = new URL(cluster.server);
  const prefix = origin.pathname.replace(/\/$/, '');

  async function send<T>(
    method: Dispatcher.HttpMethod,
    path: string,
    options: { query?: KubeQuery; body?: unknown; contentType?: string } = {},
  ): Promise<T> {
    const action = `${method} ${path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    let answer: Dispatcher.ResponseData;
    try {
      Object.assign(headers, await authHeaders(kubeConfig));
      if (options.body !== undefined)
        headers['content-type'] = options.contentType ?? 'application/json';
      answer = await (
        await kubeDispatcher(kubeConfig)
      ).request({
        origin: origin.origin,
        path: prefix + path + queryString(options.query),
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
    } catch (error) {
      throw new KubeNetworkError(
        `${action}: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
    const text = await answer.body.text();
    if (answer.statusCode >= 300)
      throw new KubeApiError(action, parseStatus(answer.statusCode, text));
    // 204 No Content and other empty answers: undefined.
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    get: (path, query) => send('GET', path, query ? { query } : {}),
    post: (path, body) => send('POST', path, { body }),
    put: (path, body) => send('PUT', path, { body }),
    mergePatch: (path, patch) =>
      send('PATCH', path, { body: patch, contentType: 'application/merge-patch+json' }),
    delete: (path, body) => send('DELETE', path, body === undefined ? {} : { body }),
  };
}

/**
 * The one keep-alive connection pool of a KubeConfig, built from its TLS settings. One pool
 * per KubeConfig, so another identity never rides on its connections.
 */
export function kubeDispatcher(kubeConfig: KubeConfig): Promise<Dispatcher> {
  let dispatcher = dispatchers.get(kubeConfig);
  if (!dispatcher) {
    dispatcher = createDispatcher(kubeConfig);
    dispatchers.set(kubeConfig, dispatcher);
  }
  return dispatcher;
}

async function createDispatcher(kubeConfig: KubeConfig): Promise<Dispatcher> {
  const tls: RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(tls);
  const options = kubeConfig.createDispatcherOptions(kubeConfig.getCurrentCluster(), {
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    pfx: tls.pfx,
    passphrase: tls.passphrase,
    ...(tls.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
  });
  const timeouts = { headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS };
  switch (options.type) {
    case 'agent':
      return new Agent({ connect: options.connect, connections: CONNECTIONS, ...timeouts });
    case 'none':
      return new Agent({ connections: CONNECTIONS, ...timeouts });
    case 'proxy':
      return new ProxyAgent({
        uri: options.uri,
        requestTls: options.requestTls,
        connect: options.connect,
        ...timeouts,
      });
    case 'socks':
      throw new Error('kubernetes: a SOCKS proxy in the kubeconfig is not supported');
  }
}

/**
 * How long one reading of the KubeConfig's credentials serves. Reading them re-reads its CA and
 * certificate files (in a pod: the service account's CA), which at hundreds of requests a
 * second is needless I/O; a second is far inside any token's refresh (client-node re-reads a
 * token file each minute and renews exec credentials before they expire).
 */
const CREDENTIALS_TTL_MS = 1_000;

const credentials = new WeakMap<
  KubeConfig,
  { readAt: number; headers: Promise<Record<string, string>> }
>();

/** The KubeConfig's auth headers, read at most once a second (CREDENTIALS_TTL_MS). */
function authHeaders(kubeConfig: KubeConfig): Promise<Record<string, string>> {
  const cached = credentials.get(kubeConfig);
  if (cached && performance.now() - cached.readAt < CREDENTIALS_TTL_MS) return cached.headers;
  const entry = { readAt: performance.now(), headers: readAuthHeaders(kubeConfig) };
  credentials.set(kubeConfig, entry);
  // A failed reading (an exec plugin erring) is not kept: the next request asks again.
  entry.headers.catch(() => {
    if (credentials.get(kubeConfig) === entry) credentials.delete(kubeConfig);
  });
  return entry.headers;
}

async function readAuthHeaders(kubeConfig: KubeConfig): Promise<Record<string, string>> {
  const options: RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(options);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = String(value);
  }
  if (options.auth) headers.authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  return headers;
}

function queryString(query: KubeQuery | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A MicroTime (RFC 3339 with microseconds), which Events and Leases need. */
export function microTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
