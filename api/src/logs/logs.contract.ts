import { z } from 'zod';
import { errorSchema } from '../accounts/accounts.contract.ts';
import { defineContract, idParams } from '../http/route-contract.ts';
import { BOT_EVENT_TYPES } from '@hmmtrade/crds';

const tags = ['logs'];
const notFound = { description: 'No such bot (or not yours)', schema: errorSchema };

export const logLineSchema = z.object({
  id: z.int().describe('Monotonic position; the SSE event id.'),
  bootId: z.string(),
  seq: z.int(),
  stream: z.enum(['stdout', 'stderr', 'supervisor']),
  line: z.string(),
  loggedAt: z.iso.datetime(),
});

export const botEventSchema = z.object({
  id: z.int(),
  bootId: z.string(),
  seq: z.int(),
  type: z.enum(BOT_EVENT_TYPES),
  payload: z.record(z.string(), z.unknown()),
  occurredAt: z.iso.datetime(),
});

const page = {
  limit: z.coerce.number().int().min(1).max(1000).default(200).describe('Newest items to return.'),
  before: z.coerce.number().int().min(1).optional().describe('Only items older than this id.'),
};

export const tailLogsContract = defineContract({
  method: 'get',
  path: '/api/v1/bots/:id/logs',
  summary: 'The newest log lines, oldest first; page back with `before`',
  tags,
  auth: 'user',
  params: idParams,
  query: z.object(page),
  responses: {
    200: {
      description: 'A page of lines',
      schema: z.object({ items: z.array(logLineSchema), nextBefore: z.int().nullable() }),
    },
    404: notFound,
  },
});

export const streamLogsContract = defineContract({
  method: 'get',
  path: '/api/v1/bots/:id/logs/stream',
  summary: 'Server-sent events of new log lines; resumes after Last-Event-ID (or `after`)',
  tags,
  auth: 'user',
  params: idParams,
  query: z.object({
    after: z.coerce.number().int().min(0).optional().describe('Start after this line id.'),
    tail: z.coerce
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(100)
      .describe('Backlog lines when starting fresh.'),
  }),
  responses: {
    200: {
      description: 'event: log, id: line id, data: a log line as JSON',
      schema: logLineSchema,
      contentType: 'text/event-stream',
    },
    404: notFound,
  },
});

export const listEventsContract = defineContract({
  method: 'get',
  path: '/api/v1/bots/:id/events',
  summary: 'Regime changes, orders, fills and rejections with reasons, newest page',
  tags,
  auth: 'user',
  params: idParams,
  query: z.object({ ...page, type: z.enum(BOT_EVENT_TYPES).optional() }),
  responses: {
    200: {
      description: 'A page of events',
      schema: z.object({ items: z.array(botEventSchema), nextBefore: z.int().nullable() }),
    },
    404: notFound,
  },
});
