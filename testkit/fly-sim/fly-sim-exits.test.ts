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

const APP = 'exits-app';
let sim: FlySim;
let client: SimClient;
let h: LifecycleHarness;
useLifecycleSim(APP, {}, (parts) => ({ sim, client, h } = parts));

describe('fly-sim process exits and destroy', () => {
  it('a process exiting on its own stops the machine (policy no) with its exit code', async () => {
    const machine = (
      await client.call('POST', h.base, {
        body: { config: { image: 'exit:1', restart: { policy: 'no' } } },
      })
    ).body as MachineBody;
    expect((await client.waitFor(APP, machine.id, 'stopped')).status).toBe(200);
    const exit = (await h.events(machine.id)).find((e) => e.type === 'exit');
    expect(exit?.request?.exit_event).toMatchObject({
      exit_code: 3,
      requested_stop: false,
      restarting: false,
    });
  });

  it('restarts on failure up to max_retries, then stops', async () => {
    const machine = (
      await client.call('POST', h.base, {
        body: { config: { image: 'exit:1', restart: { policy: 'on-failure', max_retries: 2 } } },
      })
    ).body as MachineBody;
    await eventually(async () => {
      const exits = (await h.events(machine.id)).filter((e) => e.type === 'exit');
      return exits.length === 3 ? exits : undefined;
    });
    expect((await client.waitFor(APP, machine.id, 'stopped')).status).toBe(200);
    const exits = (await h.events(machine.id)).filter((e) => e.type === 'exit').reverse();
    expect(exits.map((e) => e.request?.exit_event?.restarting)).toEqual([true, true, false]);
    expect(sim.output(APP, machine.id).match(/run/g)).toHaveLength(3);
  });

  it('restarts a clean exit under policy always, and not under on-failure', async () => {
    const always = (
      await client.call('POST', h.base, {
        body: {
          config: { image: 'exit:1', env: { EXIT_CODE: '0' }, restart: { policy: 'always' } },
        },
      })
    ).body as MachineBody;
    await eventually(() =>
      (sim.output(APP, always.id).match(/run/g) ?? []).length >= 2 ? true : undefined,
    );
    const onFailure = (
      await client.call('POST', h.base, {
        body: { config: { image: 'exit:1', env: { EXIT_CODE: '0' } } },
      })
    ).body as MachineBody;
    expect((await client.waitFor(APP, onFailure.id, 'stopped')).status).toBe(200);
    expect(sim.output(APP, onFailure.id).match(/run/g)).toHaveLength(1);
    await client.call('DELETE', `${h.base}/${always.id}?force=true`);
  });

  it('delivers POST …/signal to the process; its clean exit stops the machine', async () => {
    const machine = await h.createStarted({ image: 'bot:1' });
    const signal = await client.call('POST', `${h.base}/${machine.id}/signal`, {
      body: { signal: 'SIGTERM' },
    });
    expect(signal.status).toBe(200);
    expect((await client.waitFor(APP, machine.id, 'stopped')).status).toBe(200);
    expect(sim.output(APP, machine.id)).toContain('got SIGTERM');
    const exit = (await h.events(machine.id)).find((e) => e.type === 'exit');
    expect(exit?.request?.exit_event).toMatchObject({ exit_code: 0, requested_stop: false });
    const again = await client.call('POST', `${h.base}/${machine.id}/signal`, {
      body: { signal: 'SIGTERM' },
    });
    expect(again.status).toBe(412);
  });

  it('fails to start an unknown image, with an event saying why', async () => {
    const machine = (await client.call('POST', h.base, { body: { config: { image: 'nope:9' } } }))
      .body as MachineBody;
    expect((await client.waitFor(APP, machine.id, 'failed')).status).toBe(200);
    const failed = (await h.events(machine.id)).find((e) => e.status === 'failed') as {
      request?: { error?: string };
    };
    expect(failed.request?.error).toContain('nope:9');
  });

  it('destroys a started machine only with force, killing its process', async () => {
    const machine = await h.createStarted({ image: 'bot:1' });
    const pid = h.pidOf(machine.id);
    const refused = await client.call('DELETE', `${h.base}/${machine.id}`);
    expect(refused.status).toBe(412);
    expect((refused.body as { error: string }).error).toContain('force');
    expect((await client.call('DELETE', `${h.base}/${machine.id}?force=true`)).status).toBe(200);
    expect((await client.waitFor(APP, machine.id, 'destroyed')).status).toBe(200);
    expect(processExists(pid)).toBe(false);
    expect(h.view(machine.id)).toBeUndefined();
    const listed = (await client.call('GET', h.base)).body as MachineBody[];
    expect(listed.map((m) => m.id)).not.toContain(machine.id);
    const withDeleted = (await client.call('GET', `${h.base}?include_deleted=true`))
      .body as MachineBody[];
    expect(withDeleted.find((m) => m.id === machine.id)?.state).toBe('destroyed');
    expect((await client.call('DELETE', `${h.base}/${machine.id}?force=true`)).status).toBe(404);
  });

  it('destroys a stopped machine without force, and auto_destroy destroys on exit', async () => {
    const machine = await h.createStarted({ image: 'bot:1' });
    await client.call('POST', `${h.base}/${machine.id}/stop`);
    await client.waitFor(APP, machine.id, 'stopped');
    expect((await client.call('DELETE', `${h.base}/${machine.id}`)).status).toBe(200);
    expect((await client.waitFor(APP, machine.id, 'destroyed')).status).toBe(200);

    const oneShot = (
      await client.call('POST', h.base, {
        body: { config: { image: 'exit:1', auto_destroy: true, restart: { policy: 'no' } } },
      })
    ).body as MachineBody;
    expect((await client.waitFor(APP, oneShot.id, 'destroyed')).status).toBe(200);
  });
});
