import type { NextFunction, Request, Response, Router } from 'express';
import type { z } from 'zod';
import { requireMachine, requireUser } from './auth-context.ts';
import { HttpError, type FieldIssue } from './http-error.ts';
import type { RouteContract } from './route-contract.ts';

/** What a handler receives: the validated inputs and the raw request/response. */
export interface HandlerInput<C extends RouteContract> {
  params: z.output<NonNullable<C['params']>>;
  query: z.output<NonNullable<C['query']>>;
  body: z.output<NonNullable<C['body']>>;
  req: Request;
  res: Response;
}

/** A JSON answer; a handler that streams writes to `res` itself and returns nothing. */
export interface JsonReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler<C extends RouteContract> = (
  input: HandlerInput<C>,
) => Promise<JsonReply | void>;

/** Every route of the app with its contract; the OpenAPI document is built from it. */
export interface RouteRegistry {
  add<C extends RouteContract>(router: Router, contract: C, handler: Handler<C>): void;
  contracts(): readonly RouteContract[];
}

export function createRouteRegistry(): RouteRegistry {
  const contracts: RouteContract[] = [];
  return {
    contracts: () => contracts,
    add(router, contract, handler) {
      contracts.push(contract);
      router[contract.method](contract.path, (req: Request, res: Response, next: NextFunction) => {
        run(contract, handler, req, res).catch(next);
      });
    },
  };
}

async function run<C extends RouteContract>(
  contract: C,
  handler: Handler<C>,
  req: Request,
  res: Response,
): Promise<void> {
  if (contract.auth === 'user') requireUser(req);
  if (contract.auth === 'machine') requireMachine(req);
  const issues: FieldIssue[] = [];
  const params = parsePart('params', contract.params, req.params, issues);
  const query = parsePart('query', contract.query, req.query, issues);
  const body = parsePart('body', contract.body, req.body, issues);
  if (issues.length > 0) {
    throw new HttpError(
      400,
      'validation_failed',
      issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      {
        issues,
      },
    );
  }
  const reply = await handler({ params, query, body, req, res } as HandlerInput<C>);
  if (!reply) return;
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body === undefined) res.status(reply.status).end();
  else res.status(reply.status).json(reply.body);
}

function parsePart(
  part: 'params' | 'query' | 'body',
  schema: z.ZodType | undefined,
  value: unknown,
  issues: FieldIssue[],
): unknown {
  if (!schema) return part === 'body' ? undefined : {};
  const result = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    issues.push({ path: [part, ...issue.path.map(String)].join('.'), message: issue.message });
  }
  return undefined;
}
