import { z } from 'zod';
import { BROKER_KINDS, MODES, profileSchema } from '@hmmtrade/crds';
import { TRADER_EVENT_TYPES } from './trader-events.ts';

/**
 * The answers of the bot protocol (DESIGN §6) as the supervisor reads them. They mirror
 * `api/src/internal/internal.contract.ts` and `brokerTokenContract`; the bot image does not
 * depend on the API package, so the shapes are restated here and checked on every answer.
 */
export const botProfileResponseSchema = z.object({
  botId: z.string(),
  name: z.string(),
  generation: z.int(),
  profile_json: z.object({
    mode: z.enum(MODES),
    broker: z.object({ kind: z.enum(BROKER_KINDS) }),
    profile: profileSchema,
  }),
  connection: z
    .object({ id: z.string(), kind: z.string(), environment: z.string(), label: z.string() })
    .nullable(),
});

export type BotProfile = z.infer<typeof botProfileResponseSchema>;

export const brokerTokenResponseSchema = z.object({
  kind: z.enum(['alpaca', 'sim']),
  environment: z.enum(['paper', 'live']),
  credentials: z.object({ keyId: z.string(), secretKey: z.string() }).optional(),
  token: z.string().optional(),
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
  type: (typeof TRADER_EVENT_TYPES)[number];
  payload: Record<string, unknown>;
}

/** How spooled items are read back (a torn or foreign line fails and is skipped). */
export const spooledLogLineSchema = z.object({
  bootId: z.string().min(1),
  seq: z.int().min(0),
  ts: z.string(),
  stream: z.enum(['stdout', 'stderr', 'supervisor']),
  line: z.string(),
});

export const spooledEventSchema = z.object({
  bootId: z.string().min(1),
  seq: z.int().min(0),
  ts: z.string(),
  type: z.enum(TRADER_EVENT_TYPES),
  payload: z.record(z.string(), z.unknown()),
});
