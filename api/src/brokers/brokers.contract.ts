import { z } from 'zod';
import { errorSchema } from '../accounts/accounts.contract.ts';
import { defineContract, idParams } from '../http/route-contract.ts';

const tags = ['brokers'];
const notFound = { description: 'No such connection (or not yours)', schema: errorSchema };
const label = z.string().trim().min(1).max(100).describe('A name you recognise it by.');

export const brokerConnectionSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['alpaca', 'sim']),
  environment: z.enum(['paper', 'live']),
  label: z.string(),
  /** Enough of the key id to recognise it; never the secret. */
  keyIdHint: z.string().nullable(),
  verifiedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});

export const createBrokerContract = defineContract({
  method: 'post',
  path: '/api/v1/brokers',
  summary: 'Connect a broker account (keys are envelope-encrypted under KMS)',
  tags,
  auth: 'user',
  body: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('alpaca'),
      environment: z.enum(['paper', 'live']).default('paper'),
      label,
      keyId: z.string().trim().min(8).max(128).describe('Alpaca API key id.'),
      secretKey: z.string().trim().min(16).max(256).describe('Alpaca API secret key.'),
    }),
    z.strictObject({ kind: z.literal('sim'), label }),
  ]),
  responses: {
    201: { description: 'Connected', schema: brokerConnectionSchema },
    400: { description: 'Invalid input', schema: errorSchema },
    503: { description: 'KMS unavailable; retry after Retry-After', schema: errorSchema },
  },
});

export const listBrokersContract = defineContract({
  method: 'get',
  path: '/api/v1/brokers',
  summary: 'Your broker connections (never their secrets)',
  tags,
  auth: 'user',
  responses: {
    200: {
      description: 'Connections',
      schema: z.object({ items: z.array(brokerConnectionSchema) }),
    },
  },
});

export const verifyBrokerContract = defineContract({
  method: 'post',
  path: '/api/v1/brokers/:id/verify',
  summary: 'Check the keys with the broker',
  tags,
  auth: 'user',
  params: idParams,
  responses: {
    200: { description: 'Verified', schema: brokerConnectionSchema },
    404: notFound,
    422: { description: 'The broker rejected the keys', schema: errorSchema },
    503: { description: 'KMS or the broker unavailable', schema: errorSchema },
  },
});

export const deleteBrokerContract = defineContract({
  method: 'delete',
  path: '/api/v1/brokers/:id',
  summary: 'Delete a connection no bot uses',
  tags,
  auth: 'user',
  params: idParams,
  responses: {
    204: { description: 'Deleted' },
    404: notFound,
    409: { description: 'Bots still use it', schema: errorSchema },
  },
});

export const brokerTokenContract = defineContract({
  method: 'post',
  path: '/api/v1/internal/broker_token',
  summary: 'The calling bot’s broker credential, decrypted for this request, with its expiry',
  tags: ['internal'],
  auth: 'machine',
  responses: {
    200: {
      description: 'Short-lived credential',
      schema: z.object({
        kind: z.enum(['alpaca', 'sim']),
        environment: z.enum(['paper', 'live']),
        credentials: z.object({ keyId: z.string(), secretKey: z.string() }).optional(),
        token: z.string().optional(),
        expiresAt: z.iso.datetime(),
      }),
    },
    404: { description: 'The bot has no broker connection', schema: errorSchema },
    503: { description: 'KMS unavailable; retry after Retry-After', schema: errorSchema },
  },
});
