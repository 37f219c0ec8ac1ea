import { z } from 'zod';
import { BOT_EVENT_TYPES, tradingBotSpecSchema } from '@hmmtrade/crds';
import { errorSchema } from '../accounts/accounts.contract.ts';
import { defineContract, idParams } from '../http/route-contract.ts';

const tags = ['internal'];
const bootId = z.string().min(1).max(64).describe('Identifies one run of the bot process.');
const seq = z.int().min(0).describe('Position in this boot; (bot, boot, seq) is unique.');
const notFound = { description: 'Not this token’s bot', schema: errorSchema };

export const jwksContract = defineContract({
  method: 'get',
  path: '/api/v1/internal/jwks',
  summary: 'Public keys that verify machine JWTs',
  tags,
  auth: 'none',
  responses: {
    200: {
      description: 'JWKS',
      schema: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }),
    },
  },
});

export const botProfileContract = defineContract({
  method: 'get',
  path: '/api/v1/internal/bots/:id',
  summary: 'The bot’s profile and broker connection metadata (no secrets)',
  tags,
  auth: 'machine',
  params: idParams,
  responses: {
    200: {
      description: 'Profile',
      schema: z.object({
        botId: z.uuid(),
        name: z.string(),
        generation: z.int(),
        profile_json: z.object({
          mode: tradingBotSpecSchema.shape.mode,
          broker: z.object({ kind: z.string() }),
          profile: tradingBotSpecSchema.shape.profile,
        }),
        connection: z
          .object({ id: z.uuid(), kind: z.string(), environment: z.string(), label: z.string() })
          .nullable(),
      }),
    },
    404: notFound,
  },
});

const ingestResult = z.object({
  accepted: z.int().describe('Items stored by this call.'),
  duplicates: z.int().describe('Items already stored by an earlier attempt (ignored).'),
});

export const ingestLogsContract = defineContract({
  method: 'post',
  path: '/api/v1/internal/bots/:id/logs',
  summary: 'Append log lines; idempotent on (bootId, seq)',
  tags,
  auth: 'machine',
  params: idParams,
  body: z.strictObject({
    bootId,
    lines: z
      .array(
        z.strictObject({
          seq,
          ts: z.iso.datetime({ offset: true }),
          stream: z.enum(['stdout', 'stderr', 'supervisor']),
          line: z.string().max(16_384),
        }),
      )
      .min(1)
      .max(1000),
  }),
  responses: { 200: { description: 'Stored', schema: ingestResult }, 404: notFound },
});

export const ingestEventsContract = defineContract({
  method: 'post',
  path: '/api/v1/internal/bots/:id/events',
  summary: 'Append structured events (regime changes, orders, fills, rejections …); idempotent',
  tags,
  auth: 'machine',
  params: idParams,
  body: z.strictObject({
    bootId,
    events: z
      .array(
        z.strictObject({
          seq,
          ts: z.iso.datetime({ offset: true }),
          type: z.enum(BOT_EVENT_TYPES),
          payload: z.record(z.string(), z.unknown()).default({}),
        }),
      )
      .min(1)
      .max(1000),
  }),
  responses: { 200: { description: 'Stored', schema: ingestResult }, 404: notFound },
});
