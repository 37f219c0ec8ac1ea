import type { Request, RequestHandler } from 'express';
import type { MachineLifecycle } from './machine-lifecycle.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { badRequest, SimHttpError } from './sim-errors.ts';
import type { SimStore } from './sim-store.ts';

/** Everything the /v1 routes share. */
export interface SimContext {
  store: SimStore;
  lifecycle: MachineLifecycle;
  /** null when rate limits are off. */
  limiter: RateLimiter | null;
  /** Epoch milliseconds. */
  now(): number;
  /** Monotonic milliseconds. */
  monotonic(): number;
  defaultRegion: string;
  waitNotFoundMs: number;
  /** Who a lease belongs to (Fly shows the token's user). */
  leaseOwner: string;
}

/** A path parameter (Express always sets the ones in the route). */
export function param(req: Request, name: string): string {
  const value = (req.params as Record<string, string | undefined>)[name];
  if (value === undefined) throw new Error(`route has no :${name}`);
  return value;
}

/** A single query value; a repeated one is a 400. */
export function queryString(req: Request, name: string): string | undefined {
  const value: unknown = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`${name}: must be given once`);
  return value;
}

/** Values of a repeatable, comma-separated query parameter (`state=a,b&state=c`). */
export function queryList(req: Request, name: string): string[] {
  const value: unknown = req.query[name];
  const parts = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return parts
    .flatMap((part) => String(part).split(','))
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** A boolean query parameter (`true`/`false`/`1`/`0`); absent → false. */
export function queryBool(req: Request, name: string): boolean {
  const value = queryString(req, name);
  if (value === undefined || value === '') return false;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw badRequest(`${name}: must be true or false, got "${value}"`);
}

/** An integer query parameter within [min, max]; absent → undefined. */
export function queryInt(req: Request, name: string, min: number, max: number): number | undefined {
  const value = queryString(req, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
    throw badRequest(`${name}: must be a whole number between ${min} and ${max}, got "${value}"`);
  }
  return parsed;
}

/**
 * The documented rate limit for `action` (`get` is Get Machine) on the machine the path names,
 * or on the app when it names none (create, list): 429 with Retry-After when the bucket is empty.
 */
export function rateLimit(ctx: SimContext, action: string): RequestHandler {
  return (req, _res, next) => {
    const machineId = (req.params as Record<string, string | undefined>).id;
    const retryAfter = ctx.limiter?.take({ app: param(req, 'app'), machineId }, action);
    if (retryAfter === undefined || retryAfter === null) {
      next();
      return;
    }
    const on = machineId === undefined ? 'this app' : 'this machine';
    next(
      new SimHttpError(429, `rate limit exceeded for ${action} on ${on}`, {
        headers: { 'Retry-After': String(retryAfter) },
      }),
    );
  };
}
