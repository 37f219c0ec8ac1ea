import { z } from 'zod';

/** Who may call a route: anyone, a signed-in user (session cookie or API token), or a bot. */
export type AuthRequirement = 'none' | 'user' | 'machine';

/** One response a route can give, for the OpenAPI document. */
export interface ResponseContract {
  description: string;
  schema?: z.ZodType;
  /** `text/event-stream` for server-sent events; JSON otherwise. */
  contentType?: string;
}

/**
 * The contract of one route, in zod only: what it accepts and answers. The same object drives
 * request validation and the OpenAPI document, so they cannot disagree.
 */
export interface RouteContract<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path, e.g. `/api/v1/bots/:id`. */
  path: string;
  summary: string;
  tags: readonly string[];
  auth: AuthRequirement;
  params?: P;
  query?: Q;
  body?: B;
  responses: Readonly<Record<number, ResponseContract>>;
}

/** Declares a contract with its schema types kept (for typed handlers). */
export function defineContract<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  contract: RouteContract<P, Q, B>,
): RouteContract<P, Q, B> {
  return contract;
}

/** `:id` path parameters: every resource id is a UUID. */
export const idParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) });
