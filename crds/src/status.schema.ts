import { z } from 'zod';

import { timestampSchema } from './common.schema.ts';
import { CONDITION_TYPES, conditionSchema } from './conditions.schema.ts';
import { BACKENDS } from './spec.schema.ts';

/** Lifecycle phases, for humans and printer columns; conditions carry the detail. */
export const BOT_PHASES = [
  'Pending',
  'Provisioning',
  'Running',
  'Sleeping',
  'Stopping',
  'Stopped',
  'Suspended',
  'Failed',
  'Deleting',
] as const;
export type BotPhase = (typeof BOT_PHASES)[number];

export const runtimeStatusSchema = z
  .object({
    backend: z.enum(BACKENDS).optional().describe('Backend the bot currently runs on.'),
    instanceId: z
      .string()
      .max(253)
      .optional()
      .describe('Fly machine id, pod name or local process id of the running instance.'),
    region: z.string().max(63).optional().describe('Region or zone the instance runs in.'),
    image: z.string().max(512).optional().describe('Image the instance actually runs.'),
    state: z
      .string()
      .max(63)
      .optional()
      .describe('State as the backend reports it, e.g. started, Running, stopped.'),
  })
  .describe('The instance the operator observed on the backend.');

export const regimeStatusSchema = z
  .object({
    label: z.string().max(63).optional().describe('Current regime label, e.g. calm or panic.'),
    confidence: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('Posterior probability of the current regime, 0 to 1.'),
    since: timestampSchema.optional().describe('When the bot entered the current regime.'),
  })
  .describe('Regime the bot last reported.');

/**
 * Observed state of a TradingBot, written only by the operator. Unknown fields are dropped rather
 * than rejected so a reader tolerates status written by a newer operator.
 */
export const tradingBotStatusSchema = z
  .object({
    phase: z.enum(BOT_PHASES).optional().describe('Lifecycle phase, summarising the conditions.'),
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .describe('metadata.generation of the spec the operator last reconciled.'),
    conditions: z
      .array(conditionSchema)
      .max(CONDITION_TYPES.length)
      .superRefine((conditions, ctx) => {
        const seen = new Set<string>();
        conditions.forEach((condition, index) => {
          if (seen.has(condition.type)) {
            ctx.addIssue({
              code: 'custom',
              path: [index, 'type'],
              message: `duplicate value ${JSON.stringify(condition.type)}`,
              input: condition.type,
            });
          }
          seen.add(condition.type);
        });
      })
      .optional()
      .meta({
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
        description: 'Latest observations, at most one per condition type.',
      }),
    runtime: runtimeStatusSchema.optional(),
    lastHeartbeatAt: timestampSchema
      .optional()
      .describe('Last heartbeat received from the bot supervisor.'),
    regime: regimeStatusSchema.optional(),
    nextWakeAt: timestampSchema
      .optional()
      .describe('When a sleeping bot is scheduled to start again, e.g. the next market open.'),
  })
  .describe('Observed state of the bot, written by the operator.');

/** Observed state of a TradingBot. */
export type TradingBotStatus = z.output<typeof tradingBotStatusSchema>;
