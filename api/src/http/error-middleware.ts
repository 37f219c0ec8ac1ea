import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '@hmmtrade/platform';
import { HttpError } from './http-error.ts';

/** Answers any unmatched route with a JSON 404. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};

/**
 * The one error middleware: HttpError → its status and body; a malformed JSON body → 400;
 * anything else → 500 with a generic message (the cause goes to the log, never the client).
 */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const httpError = toHttpError(error);
    if (httpError.status >= 500) logger.error({ err: error, path: req.path }, 'request failed');
    if (httpError.retryAfterSeconds !== undefined) {
      res.setHeader('retry-after', String(Math.ceil(httpError.retryAfterSeconds)));
    }
    res.status(httpError.status).json({
      error: {
        code: httpError.code,
        message: httpError.message,
        ...(httpError.issues ? { issues: httpError.issues } : {}),
      },
    });
  };
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const parser = bodyParserError(error);
  if (parser?.type === 'entity.too.large') {
    return new HttpError(413, 'payload_too_large', 'request body is too large', { cause: error });
  }
  if (parser?.type === 'entity.parse.failed') {
    const reason = error instanceof Error ? error.message : 'unparseable';
    return new HttpError(400, 'bad_request', `request body is not valid JSON: ${reason}`, {
      cause: error,
    });
  }
  if (parser && parser.status >= 400 && parser.status < 500) {
    return new HttpError(400, 'bad_request', `unreadable request body (${parser.type})`, {
      cause: error,
    });
  }
  return new HttpError(500, 'internal', 'internal error', { cause: error });
}

/** body-parser's errors carry a `type` and a 4xx `status`: they are the client's fault. */
function bodyParserError(error: unknown): { type: string; status: number } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status } = error as { type?: unknown; status?: unknown };
  return typeof type === 'string' && typeof status === 'number' ? { type, status } : undefined;
}
