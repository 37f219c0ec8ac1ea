import { afterEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, StalledError, TransientError } from '../../reconcile/errors.ts';
import { flyStatusOf } from './machines-client.ts';
import { retryAfterMs } from './machines-http.ts';
import { fail, ok, STUB_TOKEN as TOKEN, stubClient } from './testing/stub-client.ts';
import type { StubReply, StubServer } from './testing/stub-server.ts';

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
