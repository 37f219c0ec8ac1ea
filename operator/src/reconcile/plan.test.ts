import { describe, expect, it } from 'vitest';
import type { DesiredInstance, ObservedInstance } from './instance.ts';
import type { Target } from './decide.ts';
import { DEFAULT_STOP, PENDING_POLL_MS, crashBackoffMs, plan, type Plan } from './plan.ts';

const NOW = new Date('2026-11-25T12:00:00Z');
const desired: DesiredInstance = {
  botId: 'b1',
  generation: 3,
  image: 'img:1',
  env: { BOT_ID: 'b1' },
  resources: { cpus: 1, memoryMB: 1024 },
  stop: { signal: 'SIGINT', timeoutSeconds: 10 },
  configHash: 'hash-new',
};
const observed = (overrides: Partial<ObservedInstance> = {}): ObservedInstance => ({
  botId: 'b1',
  instanceId: 'i1',
  state: 'running',
  configHash: 'hash-new',
  generation: 3,
  image: 'img:1',
  restarts: 0,
  ...overrides,
});
const running: Target = { kind: 'running' };
const stopped: Target = { kind: 'stopped' };
const absent: Target = { kind: 'absent' };
const sleeping: Target = { kind: 'sleeping', until: new Date('2026-11-25T14:30:00Z') };
const stop = { type: 'stop', options: desired.stop } as const;

const cases: { name: string; given: [Target, ObservedInstance | null]; want: Plan }[] = [
  {
    name: 'running, nothing there → create',
    given: [running, null],
    want: { actions: [{ type: 'create', desired }], requeueAfterMs: PENDING_POLL_MS },
  },
  { name: 'running, in sync → nothing', given: [running, observed()], want: { actions: [] } },
  {
    name: 'running, pending → look again soon',
    given: [running, observed({ state: 'pending' })],
    want: { actions: [], requeueAfterMs: PENDING_POLL_MS },
  },
  {
    name: 'running, stopped → start',
    given: [running, observed({ state: 'stopped' })],
    want: { actions: [{ type: 'start' }], requeueAfterMs: PENDING_POLL_MS },
  },
  {
    name: 'running, drifted → update',
    given: [running, observed({ configHash: 'hash-old' })],
    want: { actions: [{ type: 'update', desired }], requeueAfterMs: PENDING_POLL_MS },
  },
  {
    name: 'running, destroying → wait, never create a second',
    given: [running, observed({ state: 'destroying' })],
    want: { actions: [], requeueAfterMs: PENDING_POLL_MS },
  },
  {
    name: 'running, crashed long ago → start',
    given: [
      running,
      observed({ state: 'crashed', restarts: 1, lastExitAt: '2026-11-25T11:00:00Z' }),
    ],
    want: { actions: [{ type: 'start' }], requeueAfterMs: PENDING_POLL_MS },
  },
  {
    name: 'running, crashed 5 s ago on the 3rd restart → hold back 40 s in total',
    given: [
      running,
      observed({ state: 'crashed', restarts: 3, lastExitAt: '2026-11-25T11:59:55Z' }),
    ],
    want: {
      actions: [],
      requeueAfterMs: 35_000,
      crashBackoff: { restartAt: new Date('2026-11-25T12:00:35Z') },
    },
  },
  {
    name: 'stopped, running → stop with the bot signal',
    given: [stopped, observed()],
    want: { actions: [stop] },
  },
  {
    name: 'stopped, pending → stop',
    given: [stopped, observed({ state: 'pending' })],
    want: { actions: [stop] },
  },
  {
    name: 'stopped, already stopped → nothing',
    given: [stopped, observed({ state: 'stopped' })],
    want: { actions: [] },
  },
  {
    name: 'stopped, crashed → nothing',
    given: [stopped, observed({ state: 'crashed' })],
    want: { actions: [] },
  },
  { name: 'stopped, nothing there → nothing', given: [stopped, null], want: { actions: [] } },
  {
    name: 'sleeping, running → stop and wake at the open',
    given: [sleeping, observed()],
    want: { actions: [stop], requeueAfterMs: 9_000_000 },
  },
  {
    name: 'sleeping, stopped → wake at the open',
    given: [sleeping, observed({ state: 'stopped' })],
    want: { actions: [], requeueAfterMs: 9_000_000 },
  },
  {
    name: 'absent, running → stop, destroy, finalize',
    given: [absent, observed()],
    want: { actions: [stop, { type: 'destroy' }, { type: 'finalize' }] },
  },
  {
    name: 'absent, stopped → destroy, finalize',
    given: [absent, observed({ state: 'stopped' })],
    want: { actions: [{ type: 'destroy' }, { type: 'finalize' }] },
  },
  {
    name: 'absent, nothing there → finalize',
    given: [absent, null],
    want: { actions: [{ type: 'finalize' }] },
  },
];

describe('plan', () => {
  it.each(cases)('$name', ({ given: [target, current], want }) => {
    expect(plan(target, current, desired, NOW)).toEqual(want);
  });

  it('stops with the default signal and timeout when the spec is unreadable', () => {
    expect(plan(absent, observed(), null, NOW).actions[0]).toEqual({
      type: 'stop',
      options: DEFAULT_STOP,
    });
  });

  it('backs crash restarts off exponentially up to five minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(crashBackoffMs)).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000,
    ]);
  });
});
