import type { Backend, BotPhase, TradingBotStatus } from '@hmmtrade/crds';
import type { ObservedInstance } from './instance.ts';
import { mergeConditions, type ConditionUpdate } from './conditions.ts';
import type { Decision, Entitlement } from './decide.ts';
import { BackendUnavailableError, type ReconcileError, StalledError } from './errors.ts';
import type { Plan } from './plan.ts';

/** Everything one reconcile learned, from which the status is derived. */
export interface StatusInput {
  previous: Partial<TradingBotStatus>;
  generation: number;
  backend: Backend;
  /** Null when the spec is invalid (the error is then a StalledError). */
  decision: Decision | null;
  entitlement: Entitlement | null;
  /** The instance after this reconcile's actions; undefined when it could not be observed. */
  observed: ObservedInstance | null | undefined;
  desiredHash: string | null;
  plan: Plan | null;
  error: ReconcileError | null;
  now: Date;
}

type Summary = { phase: BotPhase; ready: ConditionUpdate };

/** Status fields the bot reports through the control plane; the operator never writes them. */
export const BOT_REPORTED_STATUS_FIELDS = ['lastHeartbeatAt', 'regime'] as const;

/** `status` without the bot-reported fields: what the operator's write is compared against. */
export function operatorOwnedStatus(status: Partial<TradingBotStatus>): Partial<TradingBotStatus> {
  const owned = { ...status };
  for (const field of BOT_REPORTED_STATUS_FIELDS) delete owned[field];
  return owned;
}

/**
 * The status one reconcile writes. Pure and deterministic: the same input gives the same
 * status, so an unchanged bot produces no write. It covers only the fields the operator owns:
 * heartbeat and regime are reported by the bot itself (see BOT_REPORTED_STATUS_FIELDS).
 */
export function computeStatus(input: StatusInput): TradingBotStatus {
  const { phase, ready } = summarize(input);
  const updates: ConditionUpdate[] = [ready, ...supportingConditions(input)];
  const observed = input.observed;
  const status: TradingBotStatus = {
    phase,
    observedGeneration: input.generation,
    conditions: mergeConditions(input.previous.conditions, updates, input.generation, input.now),
    runtime: observed
      ? {
          backend: input.backend,
          instanceId: observed.instanceId,
          image: observed.image,
          state: observed.state,
          ...(observed.region ? { region: observed.region } : {}),
        }
      : observed === null
        ? { backend: input.backend }
        : (input.previous.runtime ?? { backend: input.backend }),
  };
  if (input.decision?.target.kind === 'sleeping') {
    status.nextWakeAt = input.decision.target.until.toISOString();
  }
  return status;
}

function summarize(input: StatusInput): Summary {
  const { decision, observed, error } = input;
  if (error instanceof StalledError || !decision) {
    return notReady('Failed', 'InvalidSpec', error?.message ?? 'the spec is invalid');
  }
  if (decision.target.kind === 'absent') return notReady('Deleting', 'Deleting', decision.message);
  if (observed === undefined) {
    return {
      phase: input.previous.phase ?? 'Pending',
      ready: {
        type: 'Ready',
        status: 'Unknown',
        reason: 'WaitingForBackend',
        message: `cannot observe the instance: ${error?.message ?? 'backend unavailable'}`,
      },
    };
  }
  const up = observed !== null && (observed.state === 'running' || observed.state === 'pending');
  switch (decision.target.kind) {
    case 'stopped':
      if (up) return notReady('Stopping', 'Stopping', `stopping: ${decision.message}`);
      return decision.reason === 'NotEntitled'
        ? notReady('Suspended', 'Suspended', decision.message)
        : notReady('Stopped', 'Stopped', decision.message);
    case 'sleeping':
      return notReady(up ? 'Stopping' : 'Sleeping', 'MarketClosed', decision.message);
    case 'running':
      return summarizeRunning(input, observed);
  }
}

function summarizeRunning(input: StatusInput, observed: ObservedInstance | null): Summary {
  if (!observed) return notReady('Provisioning', 'Provisioning', 'creating the instance');
  if (input.plan?.crashBackoff) {
    const code = observed.lastExitCode ?? 'unknown';
    return notReady(
      'Provisioning',
      'CrashLoopBackOff',
      `exited with code ${code} (${observed.restarts} restarts); next start at ${input.plan.crashBackoff.restartAt.toISOString()}`,
    );
  }
  if (observed.configHash !== input.desiredHash) {
    return notReady('Provisioning', 'Updating', 'updating the instance to the desired config');
  }
  if (observed.state === 'running') {
    return {
      phase: 'Running',
      ready: { type: 'Ready', status: 'True', reason: 'Running', message: 'bot is running' },
    };
  }
  return notReady('Provisioning', 'Starting', `instance is ${observed.state}`);
}

function notReady(phase: BotPhase, reason: ConditionUpdate['reason'], message: string): Summary {
  return { phase, ready: { type: 'Ready', status: 'False', reason, message } };
}

function supportingConditions(input: StatusInput): ConditionUpdate[] {
  const updates: ConditionUpdate[] = [];
  if (input.entitlement) {
    updates.push(
      input.entitlement.entitled
        ? {
            type: 'Entitled',
            status: 'True',
            reason: 'Entitled',
            message: 'billing allows this bot',
          }
        : {
            type: 'Entitled',
            status: 'False',
            reason: input.entitlement.reason ?? 'NotEntitled',
            message: input.entitlement.message ?? 'the plan does not allow this bot to run',
          },
    );
  }
  if (input.error instanceof BackendUnavailableError) {
    updates.push({
      type: 'BackendAvailable',
      status: 'False',
      reason: 'BackendUnavailable',
      message: `${input.backend}: ${input.error.message}`,
    });
  } else if (input.observed !== undefined) {
    updates.push({
      type: 'BackendAvailable',
      status: 'True',
      reason: 'BackendAvailable',
      message: `${input.backend} answers`,
    });
  }
  if (input.observed !== undefined && input.decision?.target.kind !== 'absent') {
    const synced = input.observed !== null && input.observed.configHash === input.desiredHash;
    updates.push(
      synced
        ? {
            type: 'ConfigSynced',
            status: 'True',
            reason: 'ConfigSynced',
            message: 'instance runs the desired config',
          }
        : {
            type: 'ConfigSynced',
            status: 'False',
            reason: 'ConfigDrift',
            message: input.observed
              ? 'instance config differs from the desired one'
              : 'no instance',
          },
    );
  }
  return updates;
}
