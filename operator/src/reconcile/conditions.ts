import type { Condition, ConditionReason, ConditionStatus, ConditionType } from '@hmmtrade/crds';

/** A condition as computed, before `lastTransitionTime` is settled. */
export interface ConditionUpdate {
  type: ConditionType;
  status: ConditionStatus;
  reason: ConditionReason;
  message: string;
}

/**
 * Merges `updates` into `previous` following Kubernetes conventions: one entry per type, in a
 * fixed order; `lastTransitionTime` moves only when the status flips; messages come from the
 * update (they must be deterministic, so an unchanged state writes nothing).
 */
export function mergeConditions(
  previous: readonly Condition[] | undefined,
  updates: readonly ConditionUpdate[],
  observedGeneration: number,
  now: Date,
): Condition[] {
  const byType = new Map((previous ?? []).map((condition) => [condition.type, condition]));
  for (const update of updates) {
    const prior = byType.get(update.type);
    byType.set(update.type, {
      ...update,
      observedGeneration,
      lastTransitionTime:
        prior && prior.status === update.status ? prior.lastTransitionTime : now.toISOString(),
    });
  }
  return CONDITION_ORDER.flatMap((type) => {
    const condition = byType.get(type);
    return condition ? [condition] : [];
  });
}

const CONDITION_ORDER: readonly ConditionType[] = [
  'Ready',
  'Entitled',
  'CredentialsAvailable',
  'BackendAvailable',
  'ConfigSynced',
];

/** The condition of `type`, if present. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: ConditionType,
): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}
