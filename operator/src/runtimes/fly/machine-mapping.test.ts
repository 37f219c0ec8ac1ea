import { describe, expect, it } from 'vitest';
import { desiredInstance } from '../testing/desired-instance.ts';
import {
  configuredStop,
  machineConfig,
  observedInstance,
  parseDurationSeconds,
} from './machine-mapping.ts';
import type { Machine, MachineEvent } from './machines-types.ts';

const defaults = {
  guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 1024 },
  restart: { policy: 'on-failure', max_retries: 3 } as const,
};

const exitEvent = (timestamp: number, code: number, requested: boolean): MachineEvent => ({
  type: 'exit',
  status: 'stopped',
  source: 'flyd',
  timestamp,
  request: { exit_event: { exit_code: code, requested_stop: requested } },
});

const machine = (overrides: Partial<Machine> = {}): Machine => ({
  id: 'm1',
  name: 'bot-b1',
  state: 'started',
  region: 'iad',
  config: {
    image: 'img:1',
    metadata: { hmmtrade_bot_id: 'b1', hmmtrade_generation: '4', hmmtrade_config_hash: 'h4' },
  },
  ...overrides,
});

describe('machineConfig', () => {
  it('builds image, env, guest, stop config, restart policy and metadata', () => {
    const desired = desiredInstance('b1', {
      generation: 2,
      configHash: 'h2',
      resources: { cpus: 0.5, memoryMB: 300 },
      stop: { signal: 'SIGINT', timeoutSeconds: 45 },
      env: { BOT_ID: 'b1', HMMTRADE_MACHINE_JWT: 'jwt' },
    });
    expect(machineConfig(desired, defaults)).toEqual({
      image: desired.image,
      env: { BOT_ID: 'b1', HMMTRADE_MACHINE_JWT: 'jwt' },
      guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 512 },
      restart: { policy: 'on-failure', max_retries: 3 },
      stop_config: { signal: 'SIGINT', timeout: '45s' },
      auto_destroy: false,
      metadata: { hmmtrade_bot_id: 'b1', hmmtrade_generation: '2', hmmtrade_config_hash: 'h2' },
    });
  });

  it('rounds CPUs up to a Fly size', () => {
    const guest = (cpus: number) =>
      machineConfig(desiredInstance('b', { resources: { cpus, memoryMB: 256 } }), defaults).guest;
    expect([1, 1.5, 3, 5, 12].map((cpus) => guest(cpus)?.cpus)).toEqual([1, 2, 4, 8, 16]);
  });
});

describe('observedInstance', () => {
  it('reads identity, hash, generation and image from the machine', () => {
    expect(observedInstance('b1', machine())).toEqual({
      botId: 'b1',
      instanceId: 'm1',
      state: 'running',
      configHash: 'h4',
      generation: 4,
      image: 'img:1',
      region: 'iad',
      restarts: 0,
    });
  });

  it.each([
    ['created', 'pending'],
    ['starting', 'pending'],
    ['replacing', 'pending'],
    ['started', 'running'],
    ['stopping', 'stopping'],
    ['suspending', 'stopping'],
    ['stopped', 'stopped'],
    ['suspended', 'stopped'],
    ['destroying', 'destroying'],
    ['failed', 'crashed'],
    ['something-new', 'pending'],
  ])('maps Fly state %s to %s', (flyState, state) => {
    expect(observedInstance('b1', machine({ state: flyState })).state).toBe(state);
  });

  it('counts exits the bot made on its own, not requested stops', () => {
    const seen = observedInstance(
      'b1',
      machine({
        events: [exitEvent(3000, 0, true), exitEvent(2000, 7, false), exitEvent(1000, 1, false)],
      }),
    );
    expect(seen).toMatchObject({
      state: 'running',
      restarts: 2,
      lastExitCode: 7,
      lastExitAt: new Date(2000).toISOString(),
    });
  });

  it('a machine stopped by its own last exit is crashed; by a requested stop, stopped', () => {
    const own = machine({
      state: 'stopped',
      events: [exitEvent(2000, 3, false), exitEvent(1000, 0, true)],
    });
    expect(observedInstance('b1', own).state).toBe('crashed');
    const asked = machine({
      state: 'stopped',
      events: [exitEvent(2000, 0, true), exitEvent(1000, 3, false)],
    });
    expect(observedInstance('b1', asked).state).toBe('stopped');
  });
});

describe('durations', () => {
  it('parses Go durations and bare seconds', () => {
    expect(parseDurationSeconds('30s')).toBe(30);
    expect(parseDurationSeconds('1m30s')).toBe(90);
    expect(parseDurationSeconds('500ms')).toBe(0.5);
    expect(parseDurationSeconds('12')).toBe(12);
    expect(parseDurationSeconds('soon')).toBeUndefined();
    expect(parseDurationSeconds(undefined)).toBeUndefined();
  });

  it('destroy uses the configured stop, or SIGTERM and the fallback', () => {
    const stopConfig = { signal: 'SIGINT', timeout: '1m' } as const;
    const configured = machine({ config: { stop_config: stopConfig } });
    expect(configuredStop(configured, 30)).toEqual({ signal: 'SIGINT', timeoutSeconds: 60 });
    expect(configuredStop(machine(), 30)).toEqual({ signal: 'SIGTERM', timeoutSeconds: 30 });
  });
});
