import { describe, expect, it } from 'vitest';
import type { ObservedInstance } from './instance.ts';
import { mergeConditions } from './conditions.ts';
import type { Decision } from './decide.ts';
import { BackendUnavailableError, StalledError } from './errors.ts';
import { computeStatus, operatorOwnedStatus, type StatusInput } from './status.ts';

const T0 = new Date('2026-11-25T10:00:00Z');
const T1 = new Date('2026-11-25T10:05:00Z');
const running: Decision = {
  target: { kind: 'running' },
  reason: 'Running',
  message: 'bot should be running',
};
const instance = (overrides: Partial<ObservedInstance> = {}): ObservedInstance => ({
  botId: 'b',
  instanceId: 'i-1',
  state: 'running',
  configHash: 'h',
  generation: 2,
  image: 'img',
  restarts: 0,
  ...overrides,
});
const input = (overrides: Partial<StatusInput> = {}): StatusInput => ({
  previous: {},
  generation: 2,
  backend: 'fly',
  decision: running,
  entitlement: { entitled: true },
  observed: instance(),
  desiredHash: 'h',
  plan: { actions: [] },
  error: null,
  now: T0,
  ...overrides,
});
const ready = (status: ReturnType<typeof computeStatus>) =>
  status.conditions?.find((c) => c.type === 'Ready');

describe('mergeConditions', () => {
  it('moves lastTransitionTime only when the status flips', () => {
    const first = mergeConditions(
      [],
      [{ type: 'Ready', status: 'False', reason: 'Provisioning', message: 'creating' }],
      1,
      T0,
    );
    const sameStatus = mergeConditions(
      first,
      [{ type: 'Ready', status: 'False', reason: 'Starting', message: 'pending' }],
      1,
      T1,
    );
    expect(sameStatus[0]).toMatchObject({
      reason: 'Starting',
      lastTransitionTime: T0.toISOString(),
    });
    const flipped = mergeConditions(
      sameStatus,
      [{ type: 'Ready', status: 'True', reason: 'Running', message: 'ok' }],
      2,
      T1,
    );
    expect(flipped[0]).toMatchObject({
      status: 'True',
      lastTransitionTime: T1.toISOString(),
      observedGeneration: 2,
    });
  });

  it('keeps one entry per type in a fixed order', () => {
    const merged = mergeConditions(
      [
        {
          type: 'ConfigSynced',
          status: 'True',
          reason: 'ConfigSynced',
          message: '',
          lastTransitionTime: T0.toISOString(),
        },
      ],
      [
        { type: 'BackendAvailable', status: 'True', reason: 'BackendAvailable', message: '' },
        { type: 'Ready', status: 'True', reason: 'Running', message: '' },
      ],
      1,
      T1,
    );
    expect(merged.map((c) => c.type)).toEqual(['Ready', 'BackendAvailable', 'ConfigSynced']);
  });
});

const phaseCases: { name: string; given: Partial<StatusInput>; phase: string; reason: string }[] = [
  { name: 'running and in sync', given: {}, phase: 'Running', reason: 'Running' },
  {
    name: 'nothing created yet',
    given: { observed: null },
    phase: 'Provisioning',
    reason: 'Provisioning',
  },
  {
    name: 'pending',
    given: { observed: instance({ state: 'pending' }) },
    phase: 'Provisioning',
    reason: 'Starting',
  },
  { name: 'drifted', given: { desiredHash: 'h2' }, phase: 'Provisioning', reason: 'Updating' },
  {
    name: 'crash loop',
    given: {
      observed: instance({ state: 'crashed', restarts: 3, lastExitCode: 2 }),
      plan: { actions: [], crashBackoff: { restartAt: T1 } },
    },
    phase: 'Provisioning',
    reason: 'CrashLoopBackOff',
  },
  {
    name: 'suspended by the user, still up',
    given: {
      decision: {
        target: { kind: 'stopped' },
        reason: 'Suspended',
        message: 'spec.suspend is true',
      },
    },
    phase: 'Stopping',
    reason: 'Stopping',
  },
  {
    name: 'suspended by the user, down',
    given: {
      decision: {
        target: { kind: 'stopped' },
        reason: 'Suspended',
        message: 'spec.suspend is true',
      },
      observed: instance({ state: 'stopped' }),
    },
    phase: 'Stopped',
    reason: 'Stopped',
  },
  {
    name: 'not entitled',
    given: {
      decision: {
        target: { kind: 'stopped' },
        reason: 'NotEntitled',
        message: 'trial over',
      },
      observed: null,
      entitlement: { entitled: false, message: 'trial over' },
    },
    phase: 'Suspended',
    reason: 'Suspended',
  },
  {
    name: 'sleeping',
    given: {
      decision: {
        target: { kind: 'sleeping', until: T1 },
        reason: 'MarketClosed',
        message: 'closed',
      },
      observed: instance({ state: 'stopped' }),
    },
    phase: 'Sleeping',
    reason: 'MarketClosed',
  },
  {
    name: 'deleting',
    given: {
      decision: {
        target: { kind: 'absent' },
        reason: 'Deleting',
        message: 'bot is being deleted',
      },
    },
    phase: 'Deleting',
    reason: 'Deleting',
  },
  {
    name: 'invalid spec',
    given: { decision: null, error: new StalledError('spec.mode: must be one of: paper, live') },
    phase: 'Failed',
    reason: 'InvalidSpec',
  },
];

describe('computeStatus', () => {
  it.each(phaseCases)('$name → $phase / $reason', ({ given, phase, reason }) => {
    const status = computeStatus(input(given));
    expect(status.phase).toBe(phase);
    expect(ready(status)?.reason).toBe(reason);
    expect(status.observedGeneration).toBe(2);
  });

  it('keeps the previous phase on a backend outage, never Failed, and says why', () => {
    const status = computeStatus(
      input({
        previous: { phase: 'Running' },
        observed: undefined,
        error: new BackendUnavailableError('503 from api.machines.dev'),
      }),
    );
    expect(status.phase).toBe('Running');
    expect(status.conditions?.find((c) => c.type === 'BackendAvailable')).toMatchObject({
      status: 'False',
      reason: 'BackendUnavailable',
      message: 'fly: 503 from api.machines.dev',
    });
    expect(ready(status)).toMatchObject({ status: 'Unknown', reason: 'WaitingForBackend' });
  });

  it('is deterministic and leaves the bot-reported heartbeat and regime alone', () => {
    const previous = {
      lastHeartbeatAt: T0.toISOString(),
      regime: { label: 'calm', confidence: 0.9, since: T0.toISOString() },
    };
    const a = computeStatus(input({ previous }));
    const b = computeStatus(input({ previous: { ...a, ...previous }, now: T1 }));
    expect(b).toEqual(a);
    expect(b).not.toHaveProperty('regime');
    expect(operatorOwnedStatus({ ...a, ...previous })).toEqual(a);
  });

  it('reports when a sleeping bot wakes and which instance it runs', () => {
    const status = computeStatus(
      input({
        decision: {
          target: { kind: 'sleeping', until: T1 },
          reason: 'MarketClosed',
          message: 'closed',
        },
        observed: instance({ state: 'stopped', region: 'iad' }),
      }),
    );
    expect(status.nextWakeAt).toBe(T1.toISOString());
    expect(status.runtime).toEqual({
      backend: 'fly',
      instanceId: 'i-1',
      image: 'img',
      state: 'stopped',
      region: 'iad',
    });
  });
});
