import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock } from '../../queue/testing/fake-clock.ts';
import { BackendUnavailableError, StalledError, TransientError } from '../../reconcile/errors.ts';
import { createMachinesClient, flyStatusOf } from './machines-client.ts';
import type { MachinesClientOptions } from './machines-client.ts';
import { retryAfterMs } from './machines-http.ts';
import { startStubServer } from './testing/stub-server.ts';
import type { StubReply, StubRequest, StubServer } from './testing/stub-server.ts';

const TOKEN = 'fo1_secret-test-token-value';
let stub: StubServer | undefined;

afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** A client against a stub answering `replies` in order (the last one repeats). */
async function clientWith(
  replies: StubReply[] | ((request: StubRequest, index: number) => StubReply),
  options: Partial<MachinesClientOptions> = {},
) {
  const handler =
    typeof replies === 'function'
      ? replies
      : (_: StubRequest, index: number) => replies[Math.min(index, replies.length - 1)] ?? 'hang';
  stub = await startStubServer(handler);
  const delays: number[] = [];
  const client = createMachinesClient({
    apiUrl: stub.url,
    token: TOKEN,
    rateLimits: false,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    random: () => 0.999999,
    ...options,
  });
  return { client, delays, server: stub };
}

const ok = (body?: unknown): StubReply => ({ status: 200, body });
const fail = (status: number, error = 'boom', headers?: Record<string, string>): StubReply => ({
  status,
  body: { error },
  headers,
});

describe('machines client requests', () => {
  it('lists by metadata filter without deleted machines, with the bearer token', async () => {
    const { client, server } = await clientWith([ok([{ id: 'm1' }])]);
    const machines = await client.listMachines('my app', { metadata: { hmmtrade_bot_id: 'b1' } });
    expect(machines).toEqual([{ id: 'm1' }]);
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/apps/my%20app/machines');
    expect(request?.query.get('metadata.hmmtrade_bot_id')).toBe('b1');
    expect(request?.query.get('include_deleted')).toBe('false');
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
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
    const query = { state: 'started', timeoutSeconds: 12, instanceId: 'v9' } as const;
    expect(await client.waitMachine('app', 'm1', query)).toEqual({ ok: true, state: 'started' });
    expect(delays).toHaveLength(1);
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

describe('machines client retries', () => {
  it('retries 5xx, 408 and 429 with exponential backoff and jitter', async () => {
    const { client, delays, server } = await clientWith([fail(503), fail(408), fail(429), ok([])]);
    expect(await client.listMachines('app')).toEqual([]);
    expect(server.requests).toHaveLength(4);
    expect(delays).toEqual([200, 400, 800]);
  });

  it('draws the jitter from [0, ceiling]', async () => {
    const { client, delays } = await clientWith([fail(500), fail(500), ok([])], {
      random: () => 0.5,
    });
    await client.listMachines('app');
    expect(delays).toEqual([100, 200]);
  });

  it('honours Retry-After in seconds and as a date', async () => {
    const now = Date.parse('2026-03-02T10:00:00Z');
    const { client, delays } = await clientWith(
      [
        fail(429, 'slow down', { 'retry-after': '3' }),
        fail(503, 'later', { 'retry-after': 'Mon, 02 Mar 2026 10:00:07 GMT' }),
        ok([]),
      ],
      { now: () => now },
    );
    await client.listMachines('app');
    expect(delays).toEqual([3000, 7000]);
  });

  it('gives up at once when Retry-After is beyond what it may wait', async () => {
    const { client, delays, server } = await clientWith([
      fail(429, 'slow down', { 'retry-after': '120' }),
    ]);
    const error = await client.listMachines('app').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('after the last attempt a 5xx or 429 is BackendUnavailableError', async () => {
    for (const status of [500, 503, 429]) {
      const { client, server } = await clientWith([fail(status, 'overloaded')], {
        retry: { maxAttempts: 3 },
      });
      const error = await client.startMachine('app', 'm1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect((error as Error).message).toContain('start machine m1');
      expect(flyStatusOf(error)).toBe(status);
      expect(server.requests).toHaveLength(3);
      await server.close();
    }
  });

  it('a request that times out is retried, then BackendUnavailableError', async () => {
    const { client, server } = await clientWith(['hang'], {
      requestTimeoutMs: 50,
      retry: { maxAttempts: 2 },
    });
    const error = await client.getMachine('app', 'm1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toContain('timed out');
    expect(server.requests).toHaveLength(2);
  });

  it('a refused connection is BackendUnavailableError', async () => {
    const { client, server } = await clientWith([ok([])], { retry: { maxAttempts: 2 } });
    await server.close();
    const error = await client.listMachines('app').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/network error/);
  });
});

describe('machines client error mapping', () => {
  const errorFor = async (reply: StubReply) => {
    const { client, server } = await clientWith([reply]);
    const error = await client
      .updateMachine('app', 'm1', { current_version: 'v0' })
      .catch((e: unknown) => e);
    const attempts = server.requests.length;
    await server.close();
    return { error: error as Error, attempts };
  };

  it('409 and 412 are TransientError, not retried, not BackendUnavailable', async () => {
    for (const status of [409, 412]) {
      const { error, attempts } = await errorFor(fail(status, 'machine version changed'));
      expect(error).toBeInstanceOf(TransientError);
      expect(error).not.toBeInstanceOf(BackendUnavailableError);
      expect(error.message).toContain('machine version changed');
      expect(flyStatusOf(error)).toBe(status);
      expect(attempts).toBe(1);
    }
  });

  it('400 and 422 are StalledError with the API message', async () => {
    for (const status of [400, 422]) {
      const { error, attempts } = await errorFor(fail(status, 'invalid guest: memory_mb too big'));
      expect(error).toBeInstanceOf(StalledError);
      expect(error.message).toBe(
        `fly: update machine m1: rejected: ${status} invalid guest: memory_mb too big`,
      );
      expect(attempts).toBe(1);
    }
  });

  it('401 and 403 are StalledError "Fly token rejected" without the token', async () => {
    for (const status of [401, 403]) {
      const { error } = await errorFor(fail(status, `bad token ${TOKEN}`));
      expect(error).toBeInstanceOf(StalledError);
      expect(error.message).toBe(`fly: update machine m1: Fly token rejected (${status})`);
      expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(TOKEN);
      expect(String((error.cause as Error).message)).not.toContain(TOKEN);
    }
  });

  it('never repeats the token or secret env values the API echoes', async () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.payload.signature';
    const { client } = await clientWith([fail(422, `env MACHINE_JWT=${jwt} token ${TOKEN}`)]);
    const error = (await client
      .createMachine('app', { config: { env: { MACHINE_JWT: jwt } } }, [jwt])
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(StalledError);
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(jwt);
    expect(error.message).not.toContain(TOKEN);
  });

  it('other 4xx answers are TransientError', async () => {
    const { error } = await errorFor(fail(404, 'machine not found'));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).not.toBeInstanceOf(BackendUnavailableError);
    expect(flyStatusOf(error)).toBe(404);
  });
});

describe('machines client rate limiting', () => {
  it('paces one action on one machine at burst 3 then 1/s; other machines are independent', async () => {
    const clock = createFakeClock();
    const { client, server } = await clientWith([ok()], { rateLimits: { clock } });
    const starts = () => server.requests.filter((r) => r.path.endsWith('/m1/start')).length;
    const calls = Array.from({ length: 4 }, () => client.startMachine('app', 'm1'));
    await Promise.all(calls.slice(0, 3));
    await client.startMachine('app', 'm2');
    await client.stopMachine('app', 'm1', {});
    expect(starts()).toBe(3);
    await clock.advance(999);
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
    await clock.advance(199);
    expect(server.requests).toHaveLength(10);
    await clock.advance(1);
    await eleventh;
    expect(server.requests).toHaveLength(11);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, ignores junk', () => {
    const now = Date.parse('2026-03-02T10:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('0.5', now)).toBe(500);
    expect(retryAfterMs('Mon, 02 Mar 2026 10:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Mon, 02 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
