import { z } from 'zod';

import { DNS_LABEL_MESSAGE, DNS_LABEL_PATTERN, timestampSchema } from './common.schema.ts';
import { tradingBotSpecSchema } from './spec.schema.ts';
import { tradingBotStatusSchema } from './status.schema.ts';
import { API_VERSION, KIND } from './trading-bot.constants.ts';

const dnsLabel = (what: string) =>
  z
    .string()
    .min(1, { abort: true })
    .max(63)
    .regex(DNS_LABEL_PATTERN, { error: DNS_LABEL_MESSAGE })
    .describe(what);

/**
 * The part of Kubernetes object metadata the project reads. Other fields (managedFields,
 * ownerReferences …) pass through untouched: metadata belongs to Kubernetes.
 */
export const objectMetaSchema = z
  .looseObject({
    name: dnsLabel(
      'Bot name, a DNS-1123 label (at most 63 characters) so it can name pods and machines.',
    ),
    namespace: dnsLabel('Namespace of the bot.').optional(),
    uid: z.string().optional().describe('Unique id assigned by the API server.'),
    generation: z
      .int()
      .min(0)
      .optional()
      .describe('Incremented by the API server on every spec change.'),
    resourceVersion: z.string().optional().describe('Opaque version for optimistic concurrency.'),
    creationTimestamp: timestampSchema.optional().describe('When the object was created.'),
    deletionTimestamp: timestampSchema
      .optional()
      .describe('Set when deletion was requested; the object stays until finalizers are gone.'),
    labels: z.record(z.string(), z.string()).optional().describe('Labels of the object.'),
    annotations: z.record(z.string(), z.string()).optional().describe('Annotations of the object.'),
    finalizers: z.array(z.string()).optional().describe('Finalizers blocking deletion.'),
  })
  .describe('Standard Kubernetes object metadata.');

export const tradingBotSchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION).describe(`Always ${API_VERSION}.`),
    kind: z.literal(KIND).describe(`Always ${KIND}.`),
    metadata: objectMetaSchema,
    spec: tradingBotSpecSchema,
    status: tradingBotStatusSchema.optional(),
  })
  .describe('A regime-detection trading bot.');

/** A TradingBot object after parsing: spec defaults applied. */
export type TradingBot = z.output<typeof tradingBotSchema>;
/** A TradingBot object as written in a manifest. */
export type TradingBotInput = z.input<typeof tradingBotSchema>;
