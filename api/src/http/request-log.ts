import type { RequestHandler } from 'express';
import type { Logger } from '@hmmtrade/platform';
import { getAuth } from './auth-context.ts';

/**
 * One structured line per request: method, route pattern (never the query string, which may
 * carry tokens), status, duration and the caller. Health probes are not logged.
 */
export function createRequestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (req.path === '/healthz' || req.path === '/readyz' || req.path === '/metrics') {
      next();
      return;
    }
    const started = performance.now();
    res.on('finish', () => {
      const auth = getAuth(req);
      logger.info(
        {
          method: req.method,
          route: (req.route as { path?: string } | undefined)?.path ?? req.path,
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
          caller:
            auth.kind === 'user'
              ? `user:${auth.userId}`
              : auth.kind === 'machine'
                ? `bot:${auth.botId}`
                : 'anonymous',
        },
        'request',
      );
    });
    next();
  };
}
