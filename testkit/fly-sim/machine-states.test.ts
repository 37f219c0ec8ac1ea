import { describe, expect, it } from 'vitest';
import { createUlidFactory, parseGoDuration, parseSecondsOrDuration } from './fly-ids.ts';
import {
  decideAction,
  stateSatisfies,
  type MachineAction,
  type MachineState,
} from './machine-states.ts';
import { createRateLimiter, FLY_RATE_LIMITS } from './rate-limiter.ts';

describe('decideAction', () => {
  const cases: Array<{
    action: MachineAction;
    state: MachineState;
    want: 'run' | 'noop' | 'refuse';
  }> = [
    { action: 'start', state: 'stopped', want: 'run' },
    { action: 'start', state: 'suspended', want: 'run' },
    { action: 'start', state: 'failed', want: 'run' },
    { action: 'start', state: 'started', want: 'refuse' },
    { action: 'start', state: 'replacing', want: 'refuse' },
    { action: 'stop', state: 'started', want: 'run' },
    { action: 'stop', state: 'suspended', want: 'run' },
    { action: 'stop', state: 'stopped', want: 'noop' },
    { action: 'stop', state: 'stopping', want: 'noop' },
    { action: 'stop', state: 'starting', want: 'refuse' },
    { action: 'suspend', state: 'started', want: 'run' },
    { action: 'suspend', state: 'stopped', want: 'refuse' },
    { action: 'restart', state: 'stopped', want: 'refuse' },
    { action: 'update', state: 'replacing', want: 'refuse' },
    { action: 'update', state: 'started', want: 'run' },
    { action: 'destroy', state: 'stopped', want: 'run' },
    { action: 'destroy', state: 'started', want: 'refuse' },
    { action: 'force-destroy', state: 'started', want: 'run' },
    { action: 'force-destroy', state: 'destroying', want: 'refuse' },
  ];
  it.each(cases)('$action on $state → $want', ({ action, state, want }) => {
    expect(decideAction(action, state).kind).toBe(want);
  });

  it('words refusals as Fly does and points a refused destroy at force', () => {
    expect(decideAction('start', 'replacing')).toEqual({
      kind: 'refuse',
      reason: "failed_precondition: unable to start machine from current state: 'replacing'",
    });
    const destroy = decideAction('destroy', 'started');
    expect(destroy.kind === 'refuse' && destroy.reason).toContain('force=true');
  });

  it('treats settled as any resting state', () => {
    expect(stateSatisfies('stopped', 'settled')).toBe(true);
    expect(stateSatisfies('stopping', 'settled')).toBe(false);
    expect(stateSatisfies('started', 'started')).toBe(true);
  });
});

describe('ids and durations', () => {
  it('makes ULIDs that sort in creation order within one millisecond', () => {
    const next = createUlidFactory(() => 1_700_000_000_000);
    const ids = Array.from({ length: 50 }, next);
    expect(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
  });

  it('parses Go durations and seconds', () => {
    expect(parseGoDuration('10s')).toBe(10_000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('500ms')).toBe(500);
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('10')).toBeNull();
    expect(parseGoDuration('soon')).toBeNull();
    expect(parseSecondsOrDuration('10')).toBe(10_000);
    expect(parseSecondsOrDuration('2s')).toBe(2000);
  });
});

describe('createRateLimiter', () => {
  const m1 = { app: 'a', machineId: 'm1' };
  const m2 = { app: 'a', machineId: 'm2' };

  it('allows the burst, then asks to retry after the refill, per machine and action', () => {
    let now = 0;
    const limiter = createRateLimiter(FLY_RATE_LIMITS, () => now);
    expect([1, 2, 3].map(() => limiter.take(m1, 'start'))).toEqual([null, null, null]);
    expect(limiter.take(m1, 'start')).toBe(1);
    expect(limiter.take(m1, 'stop')).toBeNull();
    expect(limiter.take(m2, 'start')).toBeNull();
    now = 1000;
    expect(limiter.take(m1, 'start')).toBeNull();
    expect(limiter.take(m1, 'start')).toBe(1);
    const gets = Array.from({ length: 11 }, () => limiter.take(m1, 'get'));
    expect(gets.filter((g) => g === null)).toHaveLength(10);
    limiter.forget(m1);
    expect(limiter.take(m1, 'start')).toBeNull();
  });

  it('counts actions that name no machine against the app, apart from its machines', () => {
    let now = 0;
    const limiter = createRateLimiter(
      { ...FLY_RATE_LIMITS, appAction: { perSecond: 0.5, burst: 2 } },
      () => now,
    );
    const app = { app: 'a' };
    expect([1, 2].map(() => limiter.take(app, 'create'))).toEqual([null, null]);
    expect(limiter.take(app, 'create')).toBe(2);
    expect(limiter.take(app, 'list')).toBeNull();
    expect(limiter.take({ app: 'b' }, 'create')).toBeNull();
    expect(limiter.take(m1, 'create')).toBeNull();
    now = 2000;
    expect(limiter.take(app, 'create')).toBeNull();
    limiter.forget(app);
    expect(limiter.take(app, 'create')).toBeNull();
  });
});
