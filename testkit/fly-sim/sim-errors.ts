import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import { formatZodIssues } from '@hmmtrade/platform';

/**
 * An error answered as the spec's ErrorResponse: `{ error, status? }` with the HTTP `httpStatus`.
 * `status` is the spec's `main.statusCode` (e.g. `name_taken`), not the HTTP status.
 */
export class SimHttpError extends Error {
  readonly httpStatus: number;
  readonly statusCode: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    httpStatus: number,
    message: string,
    extra: { statusCode?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'SimHttpError';
    this.httpStatus = httpStatus;
    this.statusCode = extra.statusCode;
    this.headers = extra.headers ?? {};
  }
}

/** 400 naming every bad field and why. */
export function badRequest(message: string): SimHttpError {
  return new SimHttpError(400, message);
}

/** 404 `<what> not found`, as Fly words it (`app not found`, `machine not found`). */
export function notFound(what: string): SimHttpError {
  return new SimHttpError(404, `${what} not found`);
}

/** 412 for an action the machine's current state does not allow. */
export function preconditionFailed(reason: string): SimHttpError {
  return new SimHttpError(412, reason);
}

/**
 * Parses a request body with `schema`; a missing or malformed body is a 400 naming the field.
 * `what` names the spec schema (`CreateMachineRequest`).
 */
export function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  what: string,
): z.output<S> {
  if (body === undefined) {
    throw badRequest(
      `invalid ${what}: the body must be a JSON object (send Content-Type: application/json)`,
    );
  }
  const result = schema.safeParse(body);
  if (!result.success) throw badRequest(`invalid ${what}: ${formatZodIssues(result.error)}`);
  return result.data;
}

/** The last handler under /v1: a spec operation the sim does not implement, or no route at all. */
export const notImplemented: RequestHandler = (req, res) => {
  res.status(501).json({ error: `fly-sim does not implement ${req.method} ${req.originalUrl}` });
};

/** Maps thrown errors to ErrorResponse bodies; never echoes headers (the token lives there). */
export const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof SimHttpError) {
    res.set(error.headers);
    const body: Record<string, string> = { error: error.message };
    if (error.statusCode !== undefined) body.status = error.statusCode;
    res.status(error.httpStatus).json(body);
    return;
  }
  const parserStatus = bodyParserStatus(error);
  if (parserStatus !== null) {
    const reason = error instanceof Error ? error.message : 'unreadable body';
    res.status(parserStatus).json({ error: `invalid JSON body: ${reason}` });
    return;
  }
  const reason = error instanceof Error ? error.message : String(error);
  res.status(500).json({ error: `fly-sim internal error: ${reason}` });
};

/** body-parser errors carry a client status (400 bad JSON, 413 too large, 415 charset). */
function bodyParserStatus(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !('type' in error)) return null;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}
