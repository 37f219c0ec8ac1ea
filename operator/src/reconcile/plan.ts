import type { DesiredInstance, ObservedInstance, StopOptions } from './instance.ts';
import type { Target } from './decide.ts';

/** One step the controller takes against the runtime (or the source, for `finalize`). */
export type Action =
  | { type: 'create'; desired: DesiredInstance }
  | { type: 'start' }
  | { type: 'update'; desired: DesiredInstance }
  | { type: 'stop'; options: StopOptions }
  | { type: 'destroy' }
  | { type: 'finalize' };

/** What to do now, and when to look again (absent: the periodic resync is enough). */
export interface Plan {
  actions: Action[];
  requeueAfterMs?: number;
  /** Set while the instance is crash-looping and the restart is being held back. */
  crashBackoff?: { restartAt: Date };
}

/** How long to wait before looking at an instance that is still coming up. */
export const PENDING_POLL_MS = 2_000;

/** Restart delay after the n-th crash: 10 s doubling to 5 min, like a kubelet's CrashLoopBackOff. */
export function crashBackoffMs(restarts: number): number {
  return Math.min(300_000, 10_000 * 2 ** Math.max(0, restarts - 1));
}

/**
 * target + observed → actions. Never more than one instance: `create` only when nothing is
 * observed. A sleeping target asks to be looked at again when it should wake.
 */
export function plan(
  target: Target,
  observed: ObservedInstance | null,
  desired: DesiredInstance | null,
  now: Date,
): Plan {
  switch (target.kind) {
    case 'absent':
      return { actions: [...removal(observed, desired), { type: 'finalize' }] };
    case 'stopped':
      return { actions: stopIfUp(observed, desired) };
    case 'sleeping':
      return {
        actions: stopIfUp(observed, desired),
        requeueAfterMs: Math.max(0, target.until.getTime() - now.getTime()),
      };
    case 'running':
      if (!desired) throw new Error('plan: a running target needs a desired instance');
      return planRunning(observed, desired, now);
  }
}

function planRunning(observed: ObservedInstance | null, desired: DesiredInstance, now: Date): Plan {
  if (!observed) return { actions: [{ type: 'create', desired }], requeueAfterMs: PENDING_POLL_MS };
  if (observed.state === 'destroying') return { actions: [], requeueAfterMs: PENDING_POLL_MS };
  if (observed.state === 'crashed') {
    const restartAt = observed.lastExitAt
      ? Date.parse(observed.lastExitAt) + crashBackoffMs(observed.restarts)
      : now.getTime();
    if (restartAt > now.getTime()) {
      return {
        actions: [],
        requeueAfterMs: restartAt - now.getTime(),
        crashBackoff: { restartAt: new Date(restartAt) },
      };
    }
  }
  if (observed.configHash !== desired.configHash) {
    return { actions: [{ type: 'update', desired }], requeueAfterMs: PENDING_POLL_MS };
  }
  switch (observed.state) {
    case 'running':
      return { actions: [] };
    case 'pending':
    case 'stopping':
      return { actions: [], requeueAfterMs: PENDING_POLL_MS };
    case 'stopped':
    case 'crashed':
      return { actions: [{ type: 'start' }], requeueAfterMs: PENDING_POLL_MS };
  }
}

function stopIfUp(observed: ObservedInstance | null, desired: DesiredInstance | null): Action[] {
  if (!observed) return [];
  if (observed.state === 'running' || observed.state === 'pending') {
    return [{ type: 'stop', options: stopOptions(desired) }];
  }
  return [];
}

function removal(observed: ObservedInstance | null, desired: DesiredInstance | null): Action[] {
  if (!observed) return [];
  const stop: Action[] =
    observed.state === 'running' || observed.state === 'pending' || observed.state === 'stopping'
      ? [{ type: 'stop', options: stopOptions(desired) }]
      : [];
  return [...stop, { type: 'destroy' }];
}

/** The stop signal and timeout: the desired instance's, or the contract default. */
export const DEFAULT_STOP: StopOptions = { signal: 'SIGTERM', timeoutSeconds: 30 };

function stopOptions(desired: DesiredInstance | null): StopOptions {
  return desired?.stop ?? DEFAULT_STOP;
}
