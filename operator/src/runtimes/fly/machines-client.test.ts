import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock } from '../../queue/testing/fake-clock.ts';
import { TransientError } from '../../reconcile/errors.ts';
import { fail, ok, STUB_TOKEN, stubClient } from './testing/stub-client.ts';
import type { StubServer } from './testing/stub-server.ts';

let stub: StubServer | undefined;

afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** A stub client whose server the afterEach closes. */
async function clientWith(...args: Parameters<typeof stubClient>) {
  const made = await stubClient(...args);
  stub = made.server;
  return made;
}

describe('machines client requests', () => {
  it('lists by metadata filter without deleted machines, with the bearer token', async () => {
    const { client, server } = await clientWith([ok([{ id: 'm1' }])]);
    const machines = await client.listMachines('my app', { metadata: { hmmtrade_bot_id: 'b1' } });
    expect(machines).toEqual([{ id: 'm1' }]);
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/apps/my%20app/machines');
    expect(request?.query.get('metadata.hmmtrade_bot_id')).toBe('b1');
    expect(request?.query.get('include_deleted')).toBe('false');
    expect(request?.headers.authorization).toBe(`Bearer ${STUB_TOKEN}`);
  });

  it('sends create, update with current_version, stop, destroy and lease nonces', async () => {
    const { client, server } = await clientWith([ok({ id: 'm1', version: 'v2' })]);
    const lease = { nonce: 'n-1', expiresAt: undefined };
    await client.createMachine('app', { name: 'bot-b1', config: { image: 'img' } });
    await client.updateMachine(
      'app',
      'm1',
      { config: { image: 'i2' }, current_version: 'v1' },
      lease,
    );
    await client.stopMachine('app', 'm1', { signal: 'SIGINT', timeout: '7s' }, lease);
    await client.startMachine('app', 'm1', lease);
    await client.destroyMachine('app', 'm1', { force: true }, lease);
    const seen = server.requests.map((r) => [r.method, r.path, r.query.toString(), r.body]);
    expect(seen).toEqual([
      ['POST', '/v1/apps/app/machines', '', { name: 'bot-b1', config: { image: 'img' } }],
      ['POST', '/v1/apps/app/machines/m1', '', { config: { image: 'i2' }, current_version: 'v1' }],
      ['POST', '/v1/apps/app/machines/m1/stop', '', { signal: 'SIGINT', timeout: '7s' }],
      ['POST', '/v1/apps/app/machines/m1/start', '', undefined],
      ['DELETE', '/v1/apps/app/machines/m1', 'force=true', undefined],
    ]);
    for (const request of server.requests.slice(1)) {
      expect(request.headers['fly-machine-lease-nonce']).toBe('n-1');
    }
  });

  it('accepts lease responses bare and wrapped in {status, data}', async () => {
    const bare = { nonce: 'n-bare', expires_at: 100, owner: 'x', version: 'v' };
    const wrapped = { status: 'success', data: { nonce: 'n-wrap', expires_at: 200 } };
    const { client, server } = await clientWith([ok(bare), ok(wrapped), ok()]);
    expect(await client.acquireLease('app', 'm1', { ttlSeconds: 30 })).toEqual({
      nonce: 'n-bare',
      expiresAt: 100,
    });
    const lease = await client.acquireLease('app', 'm1', { ttlSeconds: 30 });
    expect(lease).toEqual({ nonce: 'n-wrap', expiresAt: 200 });
    await client.releaseLease('app', 'm1', lease);
    expect(server.requests[0]?.body).toMatchObject({ ttl: 30 });
    expect(server.requests[2]).toMatchObject({
      method: 'DELETE',
      path: '/v1/apps/app/machines/m1/lease',
    });
    expect(server.requests[2]?.headers['fly-machine-lease-nonce']).toBe('n-wrap');
  });

  it('a lease answer without a nonce is a transient error', async () => {
    const { client } = await clientWith([ok({ status: 'success', data: {} })]);
    await expect(client.acquireLease('app', 'm1', { ttlSeconds: 5 })).rejects.toBeInstanceOf(
      TransientError,
    );
  });

  it('waits with state, timeout and instance id; retries a 404 after create; 408 is null', async () => {
    const { client, server, delays } = await clientWith([
      fail(404, 'machine not found'),
      ok({ ok: true, state: 'started' }),
      fail(408, 'deadline exceeded'),
    ]);
    const query = {
      state: 'started',
      timeoutSeconds: 12,
      instanceId: 'v9',
      justCreated: true,
    } as const;
    expect(await client.waitMachine('app', 'm1', query)).toEqual({ ok: true, state: 'started' });
    // A pause before the first wait on a machine just created, then one retry of the 404.
    expect(delays).toEqual([250, expect.any(Number)]);
    expect(server.requests[1]?.path).toBe('/v1/apps/app/machines/m1/wait');
    expect(Object.fromEntries(server.requests[1]?.query ?? [])).toEqual({
      state: 'started',
      timeout: '12',
      instance_id: 'v9',
    });
    expect(await client.waitMachine('app', 'm1', { state: 'stopped', timeoutSeconds: 1 })).toBe(
      null,
    );
    expect(server.requests).toHaveLength(3);
  });

  it('a wait on a machine that is not just created takes 404 as an answer', async () => {
    const { client, server } = await clientWith([fail(404, 'machine not found')]);
    const error = await client
      .waitMachine('app', 'm1', { state: 'destroyed', timeoutSeconds: 5 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(server.requests).toHaveLength(1);
  });

  it('get of an unknown machine is null', async () => {
    const { client } = await clientWith([fail(404, 'machine not found')]);
    expect(await client.getMachine('app', 'nope')).toBeNull();
  });

  it('ensureApp creates a missing app and accepts one made concurrently', async () => {
    const { client, server } = await clientWith((request) => {
      if (request.method === 'POST') return { status: 201, body: { id: 'a1' } };
      return server.requests.filter((r) => r.method === 'POST').length > 0
        ? ok({ name: 'app' })
        : fail(404, 'app not found');
    });
    await client.ensureApp('app', 'personal');
    await client.ensureApp('app', 'personal');
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/apps/app',
      'POST /v1/apps',
      'GET /v1/apps/app',
    ]);
    expect(server.requests[1]?.body).toEqual({ name: 'app', org_slug: 'personal' });
  });
});

describe('machines client rate limiting', () => {
  it('paces one action on one machine at burst 3, then under 1/s; other machines are independent', async () => {
    const clock = createFakeClock();
    const { client, server } = await clientWith([ok()], { rateLimits: { clock } });
    const starts = () => server.requests.filter((r) => r.path.endsWith('/m1/start')).length;
    const calls = Array.from({ length: 4 }, () => client.startMachine('app', 'm1'));
    await Promise.all(calls.slice(0, 3));
    await client.startMachine('app', 'm2');
    await client.stopMachine('app', 'm1', {});
    expect(starts()).toBe(3);
    await clock.advance(1111);
    expect(starts()).toBe(3);
    await clock.advance(1);
    await calls[3];
    expect(starts()).toBe(4);
  });

  it('lets Get Machine burst to 10', async () => {
    const clock = createFakeClock();
    const { client, server } = await clientWith([ok({ id: 'm1' })], { rateLimits: { clock } });
    await Promise.all(Array.from({ length: 10 }, () => client.getMachine('app', 'm1')));
    const eleventh = client.getMachine('app', 'm1');
    await clock.advance(222);
    expect(server.requests).toHaveLength(10);
    await clock.advance(1);
    await eleventh;
    expect(server.requests).toHaveLength(11);
  });
});
