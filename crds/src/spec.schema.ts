import { z } from 'zod';

import {
  DNS_LABEL_MESSAGE,
  DNS_LABEL_PATTERN,
  DNS_SUBDOMAIN_MESSAGE,
  DNS_SUBDOMAIN_PATTERN,
} from './common.schema.ts';
import { brokerRules, specRules, withRules } from './cross-field.rules.ts';
import { profileSchema } from './profile.schema.ts';
import { BROKER_KINDS, MODES } from './trading-bot.constants.ts';

export const BACKENDS = ['fly', 'kubernetes', 'local'] as const;
export const SCHEDULES = ['always', 'market-hours'] as const;

export const DEFAULT_IMAGE = 'ghcr.io/hmmtrade/bot:0.1.0';

/** Keys of a Kubernetes Secret: what `kubectl create secret generic --from-literal` accepts. */
const SECRET_KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;

const secretKeySchema = (what: string, fallback: string) =>
  z
    .string()
    .min(1, { abort: true })
    .max(253)
    .regex(SECRET_KEY_PATTERN, { error: 'must consist of letters, digits, "-", "_" or "."' })
    .default(fallback)
    .describe(`Key in the Secret holding the Alpaca ${what}.`);

export const secretRefSchema = z
  .strictObject({
    name: z
      .string()
      .min(1, { abort: true })
      .max(253)
      .regex(DNS_SUBDOMAIN_PATTERN, { error: DNS_SUBDOMAIN_MESSAGE })
      .describe('Name of the Secret, in the namespace of the TradingBot.'),
    keyIdKey: secretKeySchema('API key id', 'APCA_API_KEY_ID'),
    secretKeyKey: secretKeySchema('API secret key', 'APCA_API_SECRET_KEY'),
  })
  .describe('Kubernetes Secret with the broker API keys (bots declared as TradingBot objects).');

export const brokerSchema = withRules(
  z.strictObject({
    kind: z
      .enum(BROKER_KINDS)
      .describe('alpaca (real broker API, paper or live) or sim (offline market data and fills).'),
    secretRef: secretRefSchema.optional(),
    connectionId: z
      .uuid({ error: 'must be a UUID' })
      .optional()
      .describe('Broker connection stored (encrypted) by the control plane.'),
  }),
  brokerRules,
).describe('Where orders go. alpaca needs exactly one of secretRef or connectionId; sim neither.');

export const resourcesSchema = z
  .strictObject({
    cpus: z.number().min(0.25).max(16).default(1).describe('CPU cores for the bot, 0.25 to 16.'),
    memoryMB: z
      .int()
      .min(256)
      .max(65536)
      .default(1024)
      .describe('Memory for the bot in MiB, 256 to 65536.'),
  })
  .describe('Compute reserved for the bot on its backend.');

export const runtimeSchema = z
  .strictObject({
    backend: z
      .enum(BACKENDS)
      .describe('Where the bot runs: fly (Fly Machines), kubernetes (a pod) or local (a process).'),
    image: z
      .string()
      .min(1, { abort: true })
      .max(512)
      .regex(/^\S+$/, { error: 'must be an image reference without whitespace' })
      .default(DEFAULT_IMAGE)
      .describe('Container image of the bot supervisor and trader.'),
    resources: resourcesSchema.prefault({}),
    region: z
      .string()
      .min(1, { abort: true })
      .max(63)
      .regex(DNS_LABEL_PATTERN, { error: DNS_LABEL_MESSAGE })
      .optional()
      .describe('Backend region or zone, e.g. iad on Fly; the backend picks one when unset.'),
    schedule: z
      .enum(SCHEDULES)
      .default('always')
      .describe('always, or market-hours: a stocks bot scales to zero while the market is closed.'),
  })
  .describe('How and where the bot process runs.');

export const tradingBotSpecSchema = withRules(
  z.strictObject({
    suspend: z
      .boolean()
      .default(false)
      .describe('Stop switch: true stops the bot and keeps it stopped until set back to false.'),
    mode: z
      .enum(MODES)
      .default('paper')
      .describe('paper (simulated account) or live (real money; needs broker alpaca).'),
    broker: brokerSchema,
    profile: profileSchema,
    runtime: runtimeSchema,
  }),
  specRules,
).describe('Desired state of the bot.');

/** Desired state of a TradingBot after parsing: every default applied. */
export type TradingBotSpec = z.output<typeof tradingBotSpecSchema>;
/** Desired state of a TradingBot as a user writes it: defaulted fields may be omitted. */
export type TradingBotSpecInput = z.input<typeof tradingBotSpecSchema>;

/** Where a bot runs. */
export type Backend = (typeof BACKENDS)[number];
/** When a bot runs. */
export type Schedule = (typeof SCHEDULES)[number];
