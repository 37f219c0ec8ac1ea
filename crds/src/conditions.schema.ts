import { z } from 'zod';

import { timestampSchema } from './common.schema.ts';

/** Condition types a TradingBot reports, in the order the operator evaluates them. */
export const CONDITION_TYPES = [
  'Ready',
  'Entitled',
  'CredentialsAvailable',
  'BackendAvailable',
  'ConfigSynced',
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;
export type ConditionStatus = (typeof CONDITION_STATUSES)[number];

/** Kubernetes convention for condition reasons: CamelCase, starting with a capital letter. */
export const REASON_PATTERN = /^[A-Z][A-Za-z0-9]*$/;

/** Reasons for the `Ready` condition. */
export const ReadyReason = {
  Provisioning: 'Provisioning',
  Starting: 'Starting',
  Running: 'Running',
  Updating: 'Updating',
  CrashLoopBackOff: 'CrashLoopBackOff',
  WaitingForBackend: 'WaitingForBackend',
  Sleeping: 'Sleeping',
  MarketClosed: 'MarketClosed',
  Suspended: 'Suspended',
  Stopping: 'Stopping',
  Stopped: 'Stopped',
  InvalidSpec: 'InvalidSpec',
  Deleting: 'Deleting',
} as const;

/** Reasons for the `Entitled` condition (billing allows the bot to run). */
export const EntitledReason = {
  Entitled: 'Entitled',
  NotEntitled: 'NotEntitled',
  PlanLimitExceeded: 'PlanLimitExceeded',
} as const;

/** Reasons for the `CredentialsAvailable` condition. */
export const CredentialsReason = {
  CredentialsAvailable: 'CredentialsAvailable',
  CredentialsMissing: 'CredentialsMissing',
  KMSUnavailable: 'KMSUnavailable',
} as const;

/** Reasons for the `BackendAvailable` condition. */
export const BackendReason = {
  BackendAvailable: 'BackendAvailable',
  BackendUnavailable: 'BackendUnavailable',
} as const;

/** Reasons for the `ConfigSynced` condition (running image and config equal the desired ones). */
export const ConfigSyncedReason = {
  ConfigSynced: 'ConfigSynced',
  ConfigDrift: 'ConfigDrift',
} as const;

/** Every reason any TradingBot condition may carry. */
export const ConditionReason = {
  ...ReadyReason,
  ...EntitledReason,
  ...CredentialsReason,
  ...BackendReason,
  ...ConfigSyncedReason,
} as const;
export type ConditionReason = (typeof ConditionReason)[keyof typeof ConditionReason];

export const conditionSchema = z
  .object({
    type: z.enum(CONDITION_TYPES).describe('Type of the condition, e.g. Ready or Entitled.'),
    status: z.enum(CONDITION_STATUSES).describe('Status of the condition: True, False or Unknown.'),
    reason: z
      .string()
      .min(1, { abort: true })
      .max(1024)
      .regex(REASON_PATTERN, { error: 'must be CamelCase, e.g. MarketClosed' })
      .describe('Machine-readable CamelCase reason for the last transition, e.g. MarketClosed.'),
    message: z
      .string()
      .max(32768)
      .describe('Human-readable details about the last transition; may be empty.'),
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .describe('metadata.generation of the spec this condition was computed from.'),
    lastTransitionTime: timestampSchema.describe(
      'When status last changed (RFC 3339); not bumped when only reason or message change.',
    ),
  })
  .describe('One observation of the bot, following Kubernetes condition conventions.');

/** A status condition, following Kubernetes `metav1.Condition` conventions. */
export type Condition = z.infer<typeof conditionSchema>;
