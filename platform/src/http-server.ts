import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { StartupError } from './errors.ts';

/** Result of a readiness probe: ready, or not with a reason a person can act on. */
export type Readiness = { ready: true } | { ready: false; reason: string };

/** What the health endpoints need to know about the process. */
export interface HealthOptions {
  /** Checks dependencies (database, leader, …); called on every `/readyz`. */
  readiness: () => Promise<Readiness>;
  registry: Registry;
  version: string;
}

/**
 * `/healthz` (the process is alive), `/readyz` (dependencies answer; 503 with the reason if not),
 * `/metrics` (Prometheus text format) and `/version`.
 */
export function createHealthRouter(options: HealthOptions): Router {
  const router = Router();
  router.get('/healthz', (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req: Request, res: Response) => {
    const readiness = await options.readiness().catch((error: unknown): Readiness => ({
      ready: false,
      reason: error instanceof Error ? error.message : String(error),
    }));
    if (readiness.ready) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'not ready', reason: readiness.reason });
  });
  router.get('/metrics', async (_req: Request, res: Response) => {
    res.type(options.registry.contentType).send(await options.registry.metrics());
  });
  router.get('/version', (_req: Request, res: Response) => {
    res.json({ version: options.version });
  });
  return router;
}

/** A listening HTTP server and the address it bound. */
export interface ListeningServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * Listens on `host:port` and resolves once bound. A taken port or a refused address becomes a
 * StartupError with a one-line message (`port 8080 on 127.0.0.1 is already in use`).
 */
export async function listen(
  handler: RequestListener,
  options: { host: string; port: number },
): Promise<ListeningServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(toStartupError(error, options));
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function toStartupError(
  error: NodeJS.ErrnoException,
  options: { host: string; port: number },
): StartupError {
  const where = `port ${options.port} on ${options.host}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new StartupError(`${where} is already in use (choose another with --port or PORT)`, {
        cause: error,
      });
    case 'EACCES':
      return new StartupError(`permission denied to listen on ${where}`, { cause: error });
    case 'EADDRNOTAVAIL':
      return new StartupError(`address ${options.host} is not available on this machine`, {
        cause: error,
      });
    default:
      return new StartupError(`cannot listen on ${where}: ${error.message}`, { cause: error });
  }
}
