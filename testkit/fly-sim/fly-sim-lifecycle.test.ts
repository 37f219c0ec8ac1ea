import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  eventually,
  useLifecycleSim,
  processExists,
  type LifecycleHarness,
  type MachineBody,
  type SimClient,
} from './sim-test-client.ts';
import type { FlySim } from './types.ts';

const APP = 'lifecycle-app';
let sim: FlySim;
let client: SimClient;
let h: LifecycleHarness;
useLifecycleSim(
  APP,
  { baseEnv: { BASE_VAR: 'from-base', PATH: '/usr/bin:/bin' } },
  (parts) => ({ sim, client, h } = parts),
);

describe('fly-sim lifecycle with real processes', () => {
  it('creates, starts the image with Fly env, stops with SIGTERM and captures output', async () => {
    const created = await client.call('POST', h.base, {
      body: { name: 'bot-a', config: { image: 'bot:1', env: { BOT_MODE: 'paper' } } },
    });
    expect(created.status).toBe(200);
    const machine = created.body as MachineBody;
    expect(machine.state).toBe('created');
    expect(machine.instance_id).toBe(machine.version);
    expect((await client.waitFor(APP, machine.id, 'started')).body).toMatchObject({
      ok: true,
      state: 'started',
    });
    const output = await eventually(() => {
      const text = sim.output(APP, machine.id);
      return text.includes('ready') ? text : undefined;
    });
    const envLine = output.split('\n').find((line) => line.startsWith('env '));
    expect(JSON.parse(envLine?.slice(4) ?? '{}')).toEqual({
      id: machine.id,
      app: APP,
      region: 'iad',
      image: 'bot:1',
      mode: 'paper',
      base: 'from-base',
    });
    const pid = h.pidOf(machine.id);
    expect(processExists(pid)).toBe(true);
    expect(h.view(machine.id)?.env).toMatchObject({
      FLY_MACHINE_ID: machine.id,
      BOT_MODE: 'paper',
    });

    const stop = await client.call('POST', `${h.base}/${machine.id}/stop`, {
      body: { signal: 'SIGTERM', timeout: '5s' },
    });
    expect(stop.status).toBe(200);
    expect(((await client.call('GET', `${h.base}/${machine.id}`)).body as MachineBody).state).toBe(
      'stopping',
    );
    expect((await client.waitFor(APP, machine.id, 'stopped')).body).toMatchObject({
      state: 'stopped',
    });
    expect(processExists(pid)).toBe(false);
    expect(sim.output(APP, machine.id)).toContain('got SIGTERM');
    const exit = (await h.events(machine.id)).find((e) => e.type === 'exit');
    expect(exit?.request?.exit_event).toMatchObject({ exit_code: 0, requested_stop: true });
    expect(h.view(machine.id)).toMatchObject({ state: 'stopped', pid: null });
  });

  it('stops with the stop_config signal (SIGINT by default) when the request names none', async () => {
    const plain = await h.createStarted({ image: 'bot:1' });
    await client.call('POST', `${h.base}/${plain.id}/stop`);
    await client.waitFor(APP, plain.id, 'stopped');
    expect(sim.output(APP, plain.id)).toContain('got SIGINT');

    const configured = await h.createStarted({
      image: 'bot:1',
      stop_config: { signal: 'SIGTERM', timeout: '2s' },
    });
    await client.call('POST', `${h.base}/${configured.id}/stop`);
    await client.waitFor(APP, configured.id, 'stopped');
    expect(sim.output(APP, configured.id)).toContain('got SIGTERM');
  });

  it('escalates to SIGKILL when the process ignores the stop signal past the timeout', async () => {
    const machine = await h.createStarted({ image: 'stubborn:1' });
    const pid = h.pidOf(machine.id);
    await client.call('POST', `${h.base}/${machine.id}/stop`, {
      body: { signal: 'SIGTERM', timeout: '300ms' },
    });
    expect((await client.waitFor(APP, machine.id, 'stopped')).status).toBe(200);
    expect(processExists(pid)).toBe(false);
    expect(sim.output(APP, machine.id)).toContain('ignored SIGTERM');
    const exit = (await h.events(machine.id)).find((e) => e.type === 'exit');
    expect(exit?.request?.exit_event?.exit_code).toBe(137);
  });

  it('replaces a started machine on update: replacing, then started with a new instance_id', async () => {
    const machine = await h.createStarted({ image: 'bot:1', stop_config: { signal: 'SIGTERM' } });
    const oldPid = h.pidOf(machine.id);
    const updated = await client.call('POST', `${h.base}/${machine.id}`, {
      body: {
        current_version: machine.version,
        config: { image: 'bot:2', env: { BOT_MODE: 'live' } },
      },
    });
    expect(updated.status).toBe(200);
    const body = updated.body as MachineBody;
    expect(body.state).toBe('replacing');
    expect(body.instance_id).not.toBe(machine.instance_id);
    expect(body.config.image).toBe('bot:2');
    const started = await client.call(
      'GET',
      `${h.base}/${machine.id}/wait?state=started&timeout=10&version=${body.version}`,
    );
    expect(started.body).toMatchObject({ state: 'started', version: body.version });
    expect(processExists(oldPid)).toBe(false);
    expect(h.pidOf(machine.id)).not.toBe(oldPid);
    await eventually(() =>
      sim.output(APP, machine.id).includes('v2 mode=live') ? true : undefined,
    );
    expect(sim.output(APP, machine.id)).toContain('got SIGTERM');
    expect(h.view(machine.id)).toMatchObject({ image: 'bot:2', instanceId: body.version });
    const versions = (await client.call('GET', `${h.base}/${machine.id}/versions`))
      .body as unknown[];
    expect(versions).toHaveLength(2);
  });

  it('answers 412 to a start while the machine is replacing', async () => {
    const machine = await h.createStarted({
      image: 'stubborn:1',
      stop_config: { signal: 'SIGTERM', timeout: '2s' },
    });
    const updated = await client.call('POST', `${h.base}/${machine.id}`, {
      body: { config: { image: 'bot:1' } },
    });
    expect((updated.body as MachineBody).state).toBe('replacing');
    const start = await client.call('POST', `${h.base}/${machine.id}/start`);
    expect(start.status).toBe(412);
    expect((start.body as { error: string }).error).toContain("'replacing'");
    expect((await client.waitFor(APP, machine.id, 'started')).status).toBe(200);
  });

  it('suspends with SIGSTOP and resumes the same process on start', async () => {
    const machine = await h.createStarted({ image: 'bot:1' });
    const pid = h.pidOf(machine.id);
    expect((await client.call('POST', `${h.base}/${machine.id}/suspend`)).status).toBe(200);
    await client.waitFor(APP, machine.id, 'suspended');
    expect(readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]).toBe('T');
    expect((await client.call('POST', `${h.base}/${machine.id}/start`)).body).toMatchObject({
      previous_state: 'suspended',
    });
    await client.waitFor(APP, machine.id, 'started');
    expect(h.pidOf(machine.id)).toBe(pid);
    expect(readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]).not.toBe('T');

    await client.call('POST', `${h.base}/${machine.id}/suspend`);
    await client.waitFor(APP, machine.id, 'suspended');
    expect((await client.call('POST', `${h.base}/${machine.id}/stop`)).status).toBe(200);
    expect((await client.waitFor(APP, machine.id, 'stopped')).status).toBe(200);
    expect(processExists(pid)).toBe(false);
  });

  it('restarts in place: same version, new process', async () => {
    const machine = await h.createStarted({ image: 'bot:1' });
    const pid = h.pidOf(machine.id);
    expect(
      (await client.call('POST', `${h.base}/${machine.id}/restart?signal=SIGTERM&timeout=5s`))
        .status,
    ).toBe(200);
    await eventually(() =>
      h.view(machine.id)?.pid !== pid && h.view(machine.id)?.state === 'started' ? true : undefined,
    );
    expect(h.view(machine.id)?.instanceId).toBe(machine.version);
    expect(processExists(pid)).toBe(false);
  });
});
