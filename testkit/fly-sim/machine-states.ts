/** Machine states as Fly reports them. */
export const MACHINE_STATES = [
  'created',
  'starting',
  'started',
  'stopping',
  'stopped',
  'suspending',
  'suspended',
  'replacing',
  'destroying',
  'destroyed',
  'failed',
] as const;

export type MachineState = (typeof MACHINE_STATES)[number];

/** What a client can ask of a machine that changes its lifecycle. */
export type MachineAction =
  'start' | 'stop' | 'suspend' | 'restart' | 'update' | 'destroy' | 'force-destroy' | 'signal';

/** run: do it; noop: answer success and change nothing; refuse: 412 with `reason`. */
export type ActionDecision =
  { kind: 'run' } | { kind: 'noop' } | { kind: 'refuse'; reason: string };

/** States a machine rests in; every other state is a transition that will end by itself. */
export const SETTLED_STATES: readonly MachineState[] = [
  'created',
  'started',
  'stopped',
  'suspended',
  'failed',
  'destroyed',
];

const RUNS: Record<MachineAction, readonly MachineState[]> = {
  start: ['created', 'stopped', 'suspended', 'failed'],
  stop: ['started', 'suspended'],
  suspend: ['started'],
  restart: ['started'],
  update: ['created', 'started', 'stopped', 'suspended', 'failed'],
  destroy: ['created', 'stopped', 'suspended', 'failed'],
  'force-destroy': [
    'created',
    'starting',
    'started',
    'stopping',
    'stopped',
    'suspending',
    'suspended',
    'replacing',
    'failed',
  ],
  signal: ['started'],
};

/** Asking for what is already true (or already under way) succeeds without doing anything. */
const NOOPS: Partial<Record<MachineAction, readonly MachineState[]>> = {
  stop: ['created', 'stopping', 'stopped', 'failed'],
  suspend: ['suspending', 'suspended'],
};

/**
 * Whether `action` may run on a machine in `state`. Pure; the routes map `refuse` to 412 and the
 * caller handles `destroyed` (a destroyed machine is not found for every action).
 */
export function decideAction(action: MachineAction, state: MachineState): ActionDecision {
  if (RUNS[action].includes(state)) return { kind: 'run' };
  if (NOOPS[action]?.includes(state)) return { kind: 'noop' };
  if (action === 'destroy' && state !== 'destroying') {
    return {
      kind: 'refuse',
      reason: `failed_precondition: unable to destroy machine, not currently stopped, suspended or failed (state: '${state}'); use force=true to kill it`,
    };
  }
  const verb = action === 'force-destroy' ? 'destroy' : action;
  return {
    kind: 'refuse',
    reason: `failed_precondition: unable to ${verb} machine from current state: '${state}'`,
  };
}

/** Whether `state` is one a wait for `wanted` (a state name or `settled`) is satisfied by. */
export function stateSatisfies(state: MachineState, wanted: string): boolean {
  if (wanted === 'settled') return SETTLED_STATES.includes(state);
  return state === wanted;
}
