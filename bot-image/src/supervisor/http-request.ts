import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';

export interface HttpRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Aborts the exchange at any point, the body included. */
  signal: AbortSignal;
}

/** A whole answer. `text` is '' when the body broke off (as fetch's `text().catch(() => '')`). */
export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: Http.IncomingHttpHeaders;
  text: string;
}

interface Transport {
  request: typeof Http.request;
  agent: Http.Agent;
}

// Loaded with require(): an ES import of node:http evaluates its lazy WebSocket getters, which
// load undici (≈ 13 MB, what this module avoids). node:https (TLS) only when a URL needs it.
const load = createRequire(import.meta.url);
const plain = once((): Transport => {
  const http = load('node:http') as typeof Http;
  return { request: http.request, agent: new http.Agent({ keepAlive: true }) };
});
const secure = once((): Transport => {
  const https = load('node:https') as typeof Https;
  return { request: https.request, agent: new https.Agent({ keepAlive: true }) };
});

/**
 * One HTTP exchange with node:http(s): fetch (undici) alone costs the supervisor about 18 MB.
 * Rejects with the socket's error (`connect ECONNREFUSED 127.0.0.1:8080`) or an AbortError when
 * `signal` aborts before the answer's head arrived. Redirects are answers like any other, not
 * followed: the API does not redirect, and fetch would drop the machine token on the only likely
 * one (http to https).
 */
export function httpRequest(url: URL, request: HttpRequest): Promise<HttpAnswer> {
  const { request: send, agent } = url.protocol === 'https:' ? secure() : plain();
  const headers =
    request.body === undefined
      ? request.headers
      : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) };
  return new Promise((resolve, reject) => {
    const outgoing = send(
      url,
      {
        method: request.method,
        headers,
        agent, // kept alive between calls, as fetch does
        signal: request.signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        const answer = (text: string) =>
          resolve({
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            headers: response.headers,
            text,
          });
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => answer(Buffer.concat(chunks).toString('utf8')));
        // Without 'end' first: the body broke off (reset, abort); resolving again is a no-op.
        response.on('error', () => answer(''));
        response.on('close', () => answer(''));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}
