import { Router, type Response } from 'express';
import { requireUser } from '../http/auth-context.ts';
import { HttpError } from '../http/http-error.ts';
import type { RouteRegistry } from '../http/route-registry.ts';
import { listEventsContract, streamLogsContract, tailLogsContract } from './logs.contract.ts';
import { toEventView, toLogLineView, type LogsRepository } from './logs.repository.ts';

/** How the log stream polls for new lines (works across API replicas: the database is the bus). */
export interface LogStreamOptions {
  pollMs: number;
  keepAliveMs: number;
}

export function createLogsRouter(deps: {
  routes: RouteRegistry;
  repository: LogsRepository;
  stream: LogStreamOptions;
}): Router {
  const router = Router();
  const { routes, repository } = deps;
  const owned = async (userId: string, botId: string) => {
    if (!(await repository.ownsBot(userId, botId)))
      throw new HttpError(404, 'not_found', 'no such bot');
  };

  routes.add(router, tailLogsContract, async ({ params, query, req }) => {
    await owned(requireUser(req).userId, params.id);
    const newest = await repository.newestLines(params.id, query.limit, query.before);
    return {
      status: 200,
      body: {
        items: newest.reverse().map(toLogLineView),
        nextBefore: newest.length === query.limit ? (newest[0]?.id ?? null) : null,
      },
    };
  });

  routes.add(router, listEventsContract, async ({ params, query, req }) => {
    await owned(requireUser(req).userId, params.id);
    const newest = await repository.newestEvents(params.id, query.limit, query.before, query.type);
    return {
      status: 200,
      body: {
        items: newest.map(toEventView),
        nextBefore: newest.length === query.limit ? (newest.at(-1)?.id ?? null) : null,
      },
    };
  });

  routes.add(router, streamLogsContract, async ({ params, query, req, res }) => {
    await owned(requireUser(req).userId, params.id);
    const lastEventId = Number(req.get('last-event-id'));
    let cursor = Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : query.after;
    cursor ??= await startCursor(repository, params.id, query.tail);
    startStream(res, deps.stream);
    let closed = false;
    req.on('close', () => (closed = true));
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), deps.stream.keepAliveMs);
    try {
      while (!closed) {
        const lines = await repository.linesAfter(params.id, cursor, 500);
        for (const line of lines) {
          res.write(`id: ${line.id}\nevent: log\ndata: ${JSON.stringify(toLogLineView(line))}\n\n`);
          cursor = line.id;
        }
        if (lines.length < 500)
          await new Promise((resolve) => setTimeout(resolve, deps.stream.pollMs));
      }
    } finally {
      clearInterval(keepAlive);
      res.end();
    }
  });

  return router;
}

/** Where a fresh stream starts: just before the last `tail` lines (or after the newest). */
async function startCursor(
  repository: LogsRepository,
  botId: string,
  tail: number,
): Promise<number> {
  const newest = await repository.newestLines(botId, Math.max(1, tail));
  if (newest.length === 0) return 0;
  return tail === 0 ? newest[0]!.id : newest[newest.length - 1]!.id - 1;
}

function startStream(res: Response, options: LogStreamOptions): void {
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache, no-transform');
  res.setHeader('connection', 'keep-alive');
  res.setHeader('x-accel-buffering', 'no');
  res.flushHeaders();
  res.write(`retry: ${Math.max(1000, options.pollMs * 4)}\n\n`);
}
