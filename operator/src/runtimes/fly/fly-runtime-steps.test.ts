import { describe, expect, it } from 'vitest';
import { StalledError, TransientError } from '../../reconcile/errors.ts';
import { desiredInstance } from '../testing/desired-instance.ts';
import { createFlyRuntime } from './fly-runtime.ts';
import { apiError, createScriptedClient } from './testing/scripted-client.ts';
import type { ScriptedClient } from './testing/scripted-client.ts';

const runtimeOn = (client: ScriptedClient) =>
  createFlyRuntime({ client, app: 'app', startWaitSeconds: 1 });

const called = (client: ScriptedClient, method: string) =>
  client.calls.filter(([name]) => name === method);

describe('fly runtime steps (scripted client)', () => {
  it('releases the lease when the mutation under it fails', async () => {
    const client = createScriptedClient();
    const runtime = runtimeOn(client);
    await runtime.create(desiredInstance('b1'));
    client.override('stopMachine', () => Promise.reject(apiError(412, 'not now')));
    await expect(
      runtime.stop('b1', { signal: 'SIGTERM', timeoutSeconds: 1 }),
    ).rejects.toBeInstanceOf(TransientError);
    expect(called(client, 'releaseLease')).toHaveLength(1);
    expect(await client.getLease('app', 'm1')).toBeNull();
  });

  it('updates with the current_version guard and the lease nonce; a conflict is transient', async () => {
    const client = createScriptedClient();
    const runtime = runtimeOn(client);
    await runtime.create(desiredInstance('b1'));
    const next = desiredInstance('b1', { configHash: 'next' });
    await runtime.update(next);
    const [, , , request, lease] = called(client, 'updateMachine')[0] ?? [];
    expect(request).toMatchObject({ current_version: 'v1', config: { image: next.image } });
    expect(lease).toMatchObject({ nonce: expect.any(String) as string });

    client.override('updateMachine', () => Promise.reject(apiError(412, 'version changed')));
    const error = await runtime
      .update(desiredInstance('b1', { configHash: 'third' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(await client.getLease('app', 'm1')).toBeNull();
  });

  it('a create refused with a unique-name 422 adopts the machine instead of failing', async () => {
    const client = createScriptedClient();
    const first = await runtimeOn(client).create(desiredInstance('b1'));
    // Another operator's first list misses the machine (a lagging list), so it sends the create.
    const runtime = runtimeOn(client);
    let lists = 0;
    client.override('listMachines', (app, query) =>
      lists++ === 0 ? Promise.resolve([]) : client.base.listMachines(app, query),
    );
    const message = '422 unique machine name violation, machine m1 has name bot-b1';
    const refused = new StalledError(`fly: create machine bot-b1 in app: rejected: ${message}`, {
      cause: apiError(422, message).cause,
    });
    client.override('createMachine', () => Promise.reject(refused));
    const adopted = await runtime.create(desiredInstance('b1'));
    expect(adopted.instanceId).toBe(first.instanceId);
    expect(client.machines.size).toBe(1);
  });

  it('creates new bots with one list of the app, then reads known machines by id', async () => {
    const client = createScriptedClient();
    const runtime = runtimeOn(client);
    for (const botId of ['b1', 'b2', 'b3']) {
      expect(await runtime.observe(botId)).toBeNull();
      expect((await runtime.create(desiredInstance(botId))).state).toBe('running');
    }
    expect(called(client, 'listMachines')).toHaveLength(1);
    expect(called(client, 'createMachine')).toHaveLength(3);
    expect(called(client, 'waitMachine')).toHaveLength(3);
    expect(called(client, 'getMachine')).toEqual([]);
    expect(await runtime.observe('b2')).toMatchObject({ instanceId: 'm2', state: 'running' });
    expect(called(client, 'getMachine')).toEqual([['getMachine', 'app', 'm2']]);
    expect(called(client, 'listMachines')).toHaveLength(1);
  });

  it('after a create without answer, asks the API about that bot instead of trusting the list', async () => {
    const client = createScriptedClient();
    const runtime = runtimeOn(client);
    expect(await runtime.observe('b1')).toBeNull();
    client.override('createMachine', async (app, request) => {
      await client.base.createMachine(app, request); // made, but the answer never arrives
      throw apiError(503, 'connection reset');
    });
    await expect(runtime.create(desiredInstance('b1'))).rejects.toBeInstanceOf(TransientError);
    expect(await runtime.observe('b1')).toMatchObject({ instanceId: 'm1' });
    const [, , query] = called(client, 'listMachines')[1] ?? [];
    expect(query).toEqual({ metadata: { hmmtrade_bot_id: 'b1' } });
  });

  it('a name taken by an unmanaged machine is Stalled and names it', async () => {
    const client = createScriptedClient();
    const runtime = runtimeOn(client);
    client.machines.set('x1', { id: 'x1', name: 'bot-b1', state: 'started', config: {} });
    client.override('createMachine', () => Promise.reject(apiError(409, 'name taken')));
    const error = (await runtime.create(desiredInstance('b1')).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(StalledError);
    expect(error.message).toBe(
      'fly: machine name bot-b1 in app is taken by machine x1, which is not managed by hmmtrade',
    );
  });

  it('takes over its own lease when the grant answer was lost', async () => {
    const client = createScriptedClient();
    const runtime = runtimeOn(client);
    await runtime.create(desiredInstance('b1'));
    client.override('acquireLease', async (app, id, options) => {
      await client.base.acquireLease(app, id, options); // granted, but the answer never arrives
      throw apiError(409, 'leased by you');
    });
    await runtime.stop('b1', { signal: 'SIGTERM', timeoutSeconds: 1 });
    expect(client.machines.get('m1')?.state).toBe('stopped');
    expect(await client.getLease('app', 'm1')).toBeNull();
  });

  it('a lease held by someone else fails the step as transient and changes nothing', async () => {
    const client = createScriptedClient();
    const runtime = runtimeOn(client);
    await runtime.create(desiredInstance('b1'));
    await client.acquireLease('app', 'm1', { ttlSeconds: 60, description: 'another operator' });
    const error = await runtime
      .stop('b1', { signal: 'SIGTERM', timeoutSeconds: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(called(client, 'stopMachine')).toEqual([]);
    expect(client.machines.get('m1')?.state).toBe('started');
  });

  it('destroy of a machine that vanished meanwhile succeeds', async () => {
    const client = createScriptedClient();
    const runtime = runtimeOn(client);
    await runtime.create(desiredInstance('b1'));
    client.override('acquireLease', (_app, id) => {
      client.machines.delete(id);
      return Promise.reject(apiError(404, 'machine not found'));
    });
    await expect(runtime.destroy('b1')).resolves.toBeUndefined();
    expect(await runtime.observe('b1')).toBeNull();
  });

  it('sends the stop signal and timeout, and destroys forced after stopping', async () => {
    const client = createScriptedClient();
    const runtime = runtimeOn(client);
    await runtime.create(desiredInstance('b1', { stop: { signal: 'SIGINT', timeoutSeconds: 9 } }));
    await runtime.stop('b1', { signal: 'SIGTERM', timeoutSeconds: 4 });
    expect(called(client, 'stopMachine')[0]?.[3]).toEqual({ signal: 'SIGTERM', timeout: '4s' });
    await runtime.start('b1');
    await runtime.destroy('b1');
    expect(called(client, 'stopMachine')[1]?.[3]).toEqual({ signal: 'SIGINT', timeout: '9s' });
    expect(called(client, 'destroyMachine')[0]?.[3]).toEqual({ force: true });
  });
});
