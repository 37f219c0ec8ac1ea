import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stub received. */
export interface StubRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** What a route answers: a status and a JSON body. */
export interface StubAnswer {
  status?: number;
  body: unknown;
}

/** A route handler; routes are matched on `METHOD /path` exactly. */
export type StubRoute = (request: StubRequest) => StubAnswer;

/** A local HTTP server standing in for Alpaca's trading and data APIs. */
export interface AlpacaStub {
  url: string;
  requests: StubRequest[];
  route(key: string, handler: StubRoute): void;
  close(): Promise<void>;
}

/** Starts the stub on a free loopback port. Unrouted requests answer 404 {message}. */
export async function startAlpacaStub(): Promise<AlpacaStub> {
  const routes = new Map<string, StubRoute>();
  const requests: StubRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const text = Buffer.concat(chunks).toString('utf8');
      const request: StubRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
      requests.push(request);
      const handler = routes.get(`${request.method} ${request.path}`);
      const answer = handler?.(request) ?? { status: 404, body: { message: 'route not found' } };
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (key, handler) => void routes.set(key, handler),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
