import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { formatZodIssues } from '@hmmtrade/platform';
import { drawLatency, seededRandom } from './seeded-random.ts';
import type { FlySimFaults } from './types.ts';

/** A held ("timed out") call is dropped after this long even if the client never gives up. */
const HOLD_MAX_MS = 10 * 60_000;

const NO_FAULTS: FlySimFaults = {
  errorRatio: 0,
  rateLimitRatio: 0,
  timeoutRatio: 0,
  latencyMs: 0,
  outage: false,
  lostResponseRatio: 0,
};

const ratio = z
  .number({ message: 'must be a number between 0 and 1' })
  .min(0, { message: 'must be between 0 and 1' })
  .max(1, { message: 'must be between 0 and 1' });
const millis = z.number({ message: 'must be a number of milliseconds' }).min(0, {
  message: 'must not be negative',
});

/** Partial<FlySimFaults> as the admin endpoint and setFaults accept it; unknown keys refused. */
export const faultsPatchSchema = z.strictObject({
  errorRatio: ratio.optional(),
  rateLimitRatio: ratio.optional(),
  timeoutRatio: ratio.optional(),
  lostResponseRatio: ratio.optional(),
  outage: z.boolean({ message: 'must be true or false' }).optional(),
  latencyMs: z
    .union([
      millis,
      z
        .strictObject({ min: millis, max: millis })
        .refine((range) => range.min <= range.max, { message: 'min must not exceed max' }),
    ])
    .optional(),
});

/** The faults in force and the middleware that injects them into /v1 calls. */
export interface FaultInjector {
  get(): FlySimFaults;
  /** Merges `patch` into the faults; throws naming the bad field when invalid. */
  set(patch: unknown): void;
  clear(): void;
  middleware: RequestHandler;
  /** Drops every held ("timed out") connection; used on stop. */
  dropHeld(): void;
}

/** An injector starting from `initial`, its randomness seeded for reproducible runs. */
export function createFaultInjector(initial: unknown, seed: number): FaultInjector {
  const random = seededRandom(seed);
  const roll = (share: number | undefined): boolean => (share ?? 0) > 0 && random() < (share ?? 0);
  const held = new Set<Socket>();
  let faults: FlySimFaults = { ...NO_FAULTS };

  const hold = (socket: Socket): void => {
    held.add(socket);
    const timer = setTimeout(() => socket.destroy(), HOLD_MAX_MS);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      held.delete(socket);
    });
  };

  const injector: FaultInjector = {
    get: () => ({ ...faults }),
    set(patch) {
      const parsed = faultsPatchSchema.safeParse(patch);
      if (!parsed.success) throw new Error(`invalid faults: ${formatZodIssues(parsed.error)}`);
      const defined = Object.entries(parsed.data).filter(([, value]) => value !== undefined);
      faults = { ...faults, ...(Object.fromEntries(defined) as Partial<FlySimFaults>) };
    },
    clear() {
      faults = { ...NO_FAULTS };
    },
    async middleware(req, res, next) {
      const delay = drawLatency(faults.latencyMs, random);
      if (delay > 0) await sleep(delay);
      if (faults.outage) {
        res.status(503).json({ error: 'fly-sim: injected outage: service unavailable' });
        return;
      }
      if (roll(faults.timeoutRatio)) {
        hold(req.socket);
        return;
      }
      if (roll(faults.rateLimitRatio)) {
        res.status(429).set('Retry-After', '1').json({ error: 'rate limit exceeded (injected)' });
        return;
      }
      if (roll(faults.errorRatio)) {
        const status = [500, 502, 503][Math.floor(random() * 3)] ?? 500;
        res.status(status).json({ error: `fly-sim: injected ${status}` });
        return;
      }
      if (roll(faults.lostResponseRatio)) {
        // The call takes effect; its answer never leaves.
        res.end = ((): typeof res => {
          req.socket.destroy();
          return res;
        }) as typeof res.end;
      }
      next();
    },
    dropHeld() {
      for (const socket of held) socket.destroy();
    },
  };
  injector.set(initial);
  return injector;
}
