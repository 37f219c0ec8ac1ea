import { afterEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, StalledError } from '../../reconcile/errors.ts';
import { describeRuntimeContract } from '../runtime-contract.ts';
import { desiredInstance } from '../testing/desired-instance.ts';
import { eventually } from '../testing/eventually.ts';
import { createFlyRuntime } from './fly-runtime.ts';
import { flyUnderTest, machineOutputContains, SIM_APP, SIM_IMAGES } from './testing/sim-harness.ts';
import type { FlyUnderTest } from './testing/sim-harness.ts';

// The sim of the running test, for the stubborn check (the contract passes only the runtime).
let current: FlyUnderTest | undefined;

describeRuntimeContract(
  'fly (fly-sim, every call checked against the OpenAPI document)',
  async () => {
    current = await flyUnderTest();
    return current;
  },
  {
    settleTimeoutMs: 15_000,
    stubborn: {
      desired: { image: SIM_IMAGES.stubborn },
      whenIgnoring: (runtime, botId) => {
        if (!current) throw new Error('no sim is running');
        return machineOutputContains(current.sim, runtime, botId, 'ready');
      },
    },
  },
);

describe('fly runtime on the sim', () => {
  let made: FlyUnderTest | undefined;
  afterEach(async () => {
    await made?.teardown();
    made = undefined;
  });

  it('creates one named, tagged machine with the bot env, size and stop config', async () => {
    made = await flyUnderTest();
    const desired = desiredInstance('bot-a', {
      env: { BOT_ID: 'bot-a', HMMTRADE_MACHINE_JWT: 'jwt-a' },
      resources: { cpus: 2, memoryMB: 512 },
      stop: { signal: 'SIGINT', timeoutSeconds: 12 },
      configHash: 'hash-a',
      generation: 5,
    });
    const created = await made.runtime.create(desired);
    const [machine, ...others] = made.sim.machines(SIM_APP);
    expect(others).toEqual([]);
    expect(machine).toMatchObject({
      id: created.instanceId,
      name: 'bot-bot-a',
      image: desired.image,
      metadata: {
        hmmtrade_bot_id: 'bot-a',
        hmmtrade_generation: '5',
        hmmtrade_config_hash: 'hash-a',
      },
    });
    await eventually(() => expect(made?.sim.machines(SIM_APP)[0]?.state).toBe('started'));
    expect(made.sim.machines(SIM_APP)[0]?.env).toMatchObject({
      BOT_ID: 'bot-a',
      HMMTRADE_MACHINE_JWT: 'jwt-a',
      FLY_VM_MEMORY_MB: '512',
    });
  });

  it('stops with the requested signal, and destroy stops with the configured one first', async () => {
    made = await flyUnderTest();
    const { runtime, sim } = made;
    await runtime.create(desiredInstance('bot-a', { image: SIM_IMAGES.recorder }));
    await machineOutputContains(sim, runtime, 'bot-a', 'ready');
    const { instanceId } = (await runtime.observe('bot-a')) ?? { instanceId: '' };
    await runtime.stop('bot-a', { signal: 'SIGINT', timeoutSeconds: 5 });
    expect(sim.output(SIM_APP, instanceId)).toContain('received SIGINT');
    await runtime.start('bot-a');
    await eventually(() => expect(sim.output(SIM_APP, instanceId).split('ready')).toHaveLength(3));
    await runtime.destroy('bot-a');
    expect(sim.output(SIM_APP, instanceId)).toContain('received SIGTERM');
    expect(sim.machines(SIM_APP)).toEqual([]);
  });

  it('update of a stopped machine keeps it stopped with the new config', async () => {
    made = await flyUnderTest();
    const { runtime } = made;
    await runtime.create(desiredInstance('bot-a'));
    await runtime.stop('bot-a', { signal: 'SIGTERM', timeoutSeconds: 5 });
    const next = desiredInstance('bot-a', { image: SIM_IMAGES.next, generation: 2 });
    const updated = await runtime.update(next);
    expect(updated).toMatchObject({ state: 'stopped', configHash: next.configHash, generation: 2 });
    expect(made.sim.machines(SIM_APP)[0]).toMatchObject({ state: 'stopped', image: next.image });
  });

  it('adopts a machine whose create answer was lost instead of making a second', async () => {
    made = await flyUnderTest({}, { startWaitSeconds: 1 });
    made.sim.setFaults({ lostResponseRatio: 1 });
    await expect(made.runtime.create(desiredInstance('bot-a'))).rejects.toBeInstanceOf(
      BackendUnavailableError,
    );
    made.sim.clearFaults();
    const adopted = await made.runtime.create(desiredInstance('bot-a'));
    expect(made.sim.machines(SIM_APP).map((m) => m.id)).toEqual([adopted.instanceId]);
  });

  it('a machine name held by a machine of another bot is Stalled, not a second machine', async () => {
    made = await flyUnderTest();
    await made.runtime.create(desiredInstance('bot-b')); // makes the app
    const config = { image: SIM_IMAGES.test, metadata: { hmmtrade_bot_id: 'someone-else' } };
    const answer = await made.fetch(`${made.sim.url}/v1/apps/${SIM_APP}/machines`, {
      method: 'POST',
      body: JSON.stringify({ name: 'bot-bot-a', config }),
      headers: { authorization: `Bearer ${made.sim.token}`, 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(200);
    const error = (await made.runtime
      .create(desiredInstance('bot-a'))
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(StalledError);
    expect(error.message).toContain('of bot someone-else');
    expect(made.sim.machines(SIM_APP).filter((m) => m.name === 'bot-bot-a')).toHaveLength(1);
  });

  it('maps a rejected token to Stalled without the token, and an outage to BackendUnavailable', async () => {
    made = await flyUnderTest();
    const wrongToken = 'not-the-sim-token-0123456789';
    const rejected = createFlyRuntime({
      apiUrl: made.sim.url,
      token: wrongToken,
      app: SIM_APP,
      clientOptions: { fetch: made.fetch },
    });
    const error = (await rejected.observe('bot-a').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(StalledError);
    expect(error.message).toContain('Fly token rejected');
    expect(error.message).not.toContain(wrongToken);
    made.sim.setFaults({ outage: true });
    const quick = createFlyRuntime({
      apiUrl: made.sim.url,
      token: made.sim.token,
      app: SIM_APP,
      clientOptions: { fetch: made.fetch, retry: { maxAttempts: 2, baseMs: 1, maxMs: 1 } },
    });
    await expect(quick.observe('bot-a')).rejects.toBeInstanceOf(BackendUnavailableError);
  });

  it('keeps one app per customer and lists the machines of every app it manages', async () => {
    made = await flyUnderTest({}, { app: (botId) => `customer-${botId.split('-')[1] ?? 'x'}` });
    const { runtime } = made;
    await runtime.create(desiredInstance('bot-1-a'));
    await runtime.create(desiredInstance('bot-2-a'));
    expect(made.sim.machines('customer-1')).toHaveLength(1);
    expect(made.sim.machines('customer-2')).toHaveLength(1);
    const listed = await runtime.list();
    expect(listed.map((instance) => instance.botId).sort()).toEqual(['bot-1-a', 'bot-2-a']);
  });

  it('the spec check catches a request the document does not allow', async () => {
    made = await flyUnderTest();
    const stop = { signal: 'SIGFOO', timeout: 5 };
    await made.fetch(`${made.sim.url}/v1/apps/${SIM_APP}/machines/m/stop`, {
      method: 'POST',
      body: JSON.stringify(stop),
      headers: { authorization: `Bearer ${made.sim.token}` },
    });
    expect(made.violations.join('\n')).toMatch(/body\.signal[\s\S]*body\.timeout/);
    made.violations.length = 0;
  });
});
