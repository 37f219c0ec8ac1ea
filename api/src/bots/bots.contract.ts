import { z } from 'zod';
import {
  API_VERSION,
  KIND,
  objectMetaSchema,
  tradingBotSpecSchema,
  tradingBotStatusSchema,
} from '@hmmtrade/crds';
import { errorSchema } from '../accounts/accounts.contract.ts';
import { defineContract, idParams } from '../http/route-contract.ts';

/** A bot as the API shows it: the TradingBot object shape, with the control plane's ids. */
export const botSchema = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(KIND),
  metadata: z.object({
    id: z.uuid(),
    name: z.string(),
    generation: z.int(),
    creationTimestamp: z.iso.datetime(),
    deletionTimestamp: z.iso.datetime().optional(),
    source: z.enum(['api', 'kubernetes']).describe('kubernetes bots are read-only here'),
    namespace: z.string().optional(),
  }),
  spec: tradingBotSpecSchema,
  status: tradingBotStatusSchema.partial(),
});

const tags = ['bots'];
const notFound = { description: 'No such bot (or not yours)', schema: errorSchema };

export const createBotContract = defineContract({
  method: 'post',
  path: '/api/v1/bots',
  summary: 'Create a bot',
  tags,
  auth: 'user',
  body: z.strictObject({ name: objectMetaSchema.shape.name, spec: tradingBotSpecSchema }),
  responses: {
    201: { description: 'Created; the operator starts it', schema: botSchema },
    400: { description: 'Invalid spec, with field paths', schema: errorSchema },
    409: { description: 'A bot with this name exists', schema: errorSchema },
  },
});

export const listBotsContract = defineContract({
  method: 'get',
  path: '/api/v1/bots',
  summary: 'List your bots with their status',
  tags,
  auth: 'user',
  responses: { 200: { description: 'Bots', schema: z.object({ items: z.array(botSchema) }) } },
});

export const getBotContract = defineContract({
  method: 'get',
  path: '/api/v1/bots/:id',
  summary: 'One bot with its status',
  tags,
  auth: 'user',
  params: idParams,
  responses: { 200: { description: 'The bot', schema: botSchema }, 404: notFound },
});

export const replaceBotSpecContract = defineContract({
  method: 'put',
  path: '/api/v1/bots/:id/spec',
  summary: 'Replace the spec (generation moves only if it changed)',
  tags,
  auth: 'user',
  params: idParams,
  body: tradingBotSpecSchema,
  responses: {
    200: { description: 'Updated', schema: botSchema },
    400: { description: 'Invalid spec', schema: errorSchema },
    404: notFound,
    409: { description: 'Read-only (Kubernetes) or being deleted', schema: errorSchema },
  },
});

export const startBotContract = defineContract({
  method: 'post',
  path: '/api/v1/bots/:id/start',
  summary: 'Start: set spec.suspend to false',
  tags,
  auth: 'user',
  params: idParams,
  responses: { 200: { description: 'Updated', schema: botSchema }, 404: notFound },
});

export const stopBotContract = defineContract({
  method: 'post',
  path: '/api/v1/bots/:id/stop',
  summary: 'Stop: set spec.suspend to true (the bot flushes and exits)',
  tags,
  auth: 'user',
  params: idParams,
  responses: { 200: { description: 'Updated', schema: botSchema }, 404: notFound },
});

export const deleteBotContract = defineContract({
  method: 'delete',
  path: '/api/v1/bots/:id',
  summary: 'Delete: the operator stops and removes it, then the bot is gone',
  tags,
  auth: 'user',
  params: idParams,
  responses: { 202: { description: 'Deletion started', schema: botSchema }, 404: notFound },
});
