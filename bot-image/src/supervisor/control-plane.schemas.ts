import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';
import { BOT_EVENT_TYPES, BROKER_KINDS, MODES } from '@hmmtrade/crds';

// zod/mini (lean enough for the supervisor's memory budget) has no messages of its own: the
// English ones of zod, so that `unexpected answer …` reasons read the same.
z.config(en());

/**
 * The answers of the bot protocol (DESIGN §6) as the supervisor reads them. They mirror
 * `api/src/internal/internal.contract.ts` and `brokerTokenContract`; the bot image does not
 * depend on the API package, so the shapes are restated here and checked on every answer.
 * `profile` is only checked to be an object: the supervisor writes it out as is, the API has
 * validated it (defaults applied) and the trader validates it again when it reads it.
 */
export const botProfileResponseSchema = z.object({
  botId: z.string(),
  name: z.string(),
  generation: z.int(),
  profile_json: z.object({
    mode: z.enum(MODES),
    broker: z.object({ kind: z.enum(BROKER_KINDS) }),
    profile: z.record(z.string(), z.unknown()),
  }),
  connection: z.nullable(
    z.object({ id: z.string(), kind: z.string(), environment: z.string(), label: z.string() }),
  ),
});

export type BotProfile = z.infer<typeof botProfileResponseSchema>;

export const brokerTokenResponseSchema = z.object({
  kind: z.enum(['alpaca', 'sim']),
  environment: z.enum(['paper', 'live']),
  credentials: z.optional(z.object({ keyId: z.string(), secretKey: z.string() })),
  token: z.optional(z.string()),
  expiresAt: z.iso.datetime({ offset: true }),
});

/** A short-lived broker credential. Secret: never logged, never written but to `.env`. */
export type BrokerToken = z.infer<typeof brokerTokenResponseSchema>;

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

/** Streams a log line can come from. */
export type LogStream = 'stdout' | 'stderr' | 'supervisor';

/** One log line as `POST /internal/bots/:id/logs` takes it; `(bootId, seq)` is its identity. */
export interface LogLine {
  seq: number;
  ts: string;
  stream: LogStream;
  line: string;
}

/** One event as `POST /internal/bots/:id/events` takes it. */
export interface BotEvent {
  seq: number;
  ts: string;
  type: (typeof BOT_EVENT_TYPES)[number];
  payload: Record<string, unknown>;
}

/** How spooled items are read back (a torn or foreign line fails and is skipped). */
export const spooledLogLineSchema = z.object({
  bootId: z.string().check(z.minLength(1)),
  seq: z.int().check(z.minimum(0)),
  ts: z.string(),
  stream: z.enum(['stdout', 'stderr', 'supervisor']),
  line: z.string(),
});

export const spooledEventSchema = z.object({
  bootId: z.string().check(z.minLength(1)),
  seq: z.int().check(z.minimum(0)),
  ts: z.string(),
  type: z.enum(BOT_EVENT_TYPES),
  payload: z.record(z.string(), z.unknown()),
});
