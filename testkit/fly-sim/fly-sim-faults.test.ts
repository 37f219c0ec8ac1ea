import { afterEach, describe, expect, it } from 'vitest';
import { startFlySim } from './fly-sim.ts';
import { createOpenApiValidator } from './openapi-validator.ts';
import { createSimClient, fixtureImages, type SimClient } from './sim-test-client.ts';
import type { FlySim, FlySimOptions } from './types.ts';

const validator = createOpenApiValidator();
const running: Array<{ sim: FlySim; client: SimClient }> = [];

async function simWith(options: FlySimOptions = {}): Promise<{ sim: FlySim; client: SimClient }> {
  const sim = await startFlySim({ images: fixtureImages(), waitNotFoundMs: 0, ...options });
  const client = createSimClient(sim, validator);
  running.push({ sim, client });
  return { sim, client };
}

async function machineIn(client: SimClient): Promise<string> {
  await client.call('POST', '/v1/apps', { body: { name: 'f', org_slug: 'personal' } });
  const created = await client.call('POST', '/v1/apps/f/machines', {
    body: { skip_launch: true, config: { image: 'bot:1' } },
  });
  return (created.body as { id: string }).id;
}

afterEach(async () => {
  for (const { sim, client } of running.splice(0)) {
    await sim.stop();
    expect(client.violations).toEqual([]);
  }
});

describe('auth', () => {
  it('answers 401 without the bearer token or with a wrong one, and never echoes it', async () => {
    const { client } = await simWith({ token: 'secret-token-123' });
    const none = await client.call('GET', '/v1/apps?org_slug=personal', { token: null });
    expect(none.status).toBe(401);
    const wrong = await client.call('GET', '/v1/apps?org_slug=personal', { token: 'guess' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('guess');
    expect((await client.call('GET', '/v1/apps?org_slug=personal')).status).toBe(200);
  });
});

describe('documented rate limits', () => {
  it('answers 429 with Retry-After past the Get Machine burst of 10', async () => {
    const { client } = await simWith();
    const id = await machineIn(client);
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => client.call('GET', `/v1/apps/f/machines/${id}`)),
    );
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(10);
    expect(limited.length).toBeGreaterThan(0);
    for (const answer of limited)
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('limits each action per machine to a burst of 3, separately per action', async () => {
    const { client } = await simWith();
    const id = await machineIn(client);
    const path = `/v1/apps/f/machines/${id}/metadata/k`;
    const writes = await Promise.all(
      Array.from({ length: 8 }, () => client.call('POST', path, { body: { value: 'v' } })),
    );
    expect(writes.filter((a) => a.status === 204).length).toBeLessThanOrEqual(4);
    expect(writes.some((a) => a.status === 429 && a.headers.get('retry-after') !== null)).toBe(
      true,
    );
    expect((await client.call('GET', `/v1/apps/f/machines/${id}`)).status).toBe(200);
  });

  it('limits create and list per app, each to a burst of 3, with Retry-After', async () => {
    const { client } = await simWith();
    for (const name of ['f', 'g']) {
      await client.call('POST', '/v1/apps', { body: { name, org_slug: 'personal' } });
    }
    const create = (app: string, name: string) =>
      client.call('POST', `/v1/apps/${app}/machines`, {
        body: { name, skip_launch: true, config: { image: 'bot:1' } },
      });
    const creates = [];
    for (const name of ['a', 'b', 'c', 'd']) creates.push(await create('f', name));
    expect(creates.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(Number(creates[3]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((creates[3]?.body as { error: string }).error).toMatch(/create on this app/);
    expect((await create('g', 'a')).status).toBe(200);

    const lists = [];
    for (let i = 0; i < 4; i++) lists.push(await client.call('GET', '/v1/apps/f/machines'));
    expect(lists.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(lists[3]?.headers.get('retry-after')).not.toBeNull();
    expect((await client.call('GET', '/v1/apps/g/machines')).status).toBe(200);
  });

  it('takes custom app buckets', async () => {
    const relaxed = await simWith({ rateLimits: { appAction: { perSecond: 100, burst: 10 } } });
    await relaxed.client.call('POST', '/v1/apps', { body: { name: 'f', org_slug: 'personal' } });
    const lists = await Promise.all(
      Array.from({ length: 10 }, () => relaxed.client.call('GET', '/v1/apps/f/machines')),
    );
    expect(lists.every((a) => a.status === 200)).toBe(true);
  });

  it('does not limit when rateLimits is false', async () => {
    const { client } = await simWith({ rateLimits: false });
    const id = await machineIn(client);
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => client.call('GET', `/v1/apps/f/machines/${id}`)),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });
});

describe('fault injection', () => {
  it('turns an outage on and off through /admin/faults (no token needed)', async () => {
    const { sim, client } = await simWith();
    const on = await fetch(`${sim.url}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outage: true }),
    });
    expect(on.status).toBe(200);
    expect(await on.json()).toMatchObject({ outage: true });
    expect((await client.call('GET', '/v1/apps?org_slug=personal')).status).toBe(503);
    expect((await fetch(`${sim.url}/admin/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await client.call('GET', '/v1/apps?org_slug=personal')).status).toBe(200);
  });

  it('refuses bad fault settings naming the field', async () => {
    const { sim } = await simWith();
    const bad = await fetch(`${sim.url}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRatio: 2 }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('errorRatio');
    expect(() => sim.setFaults({ latencyMs: { min: 5, max: 1 } })).toThrow(/latencyMs/);
  });

  it('answers 5xx for errorRatio 1 and 429 with Retry-After for rateLimitRatio 1', async () => {
    const { sim, client } = await simWith({ faults: { errorRatio: 1 }, seed: 7 });
    const statuses = new Set<number>();
    for (let i = 0; i < 20; i += 1) {
      statuses.add((await client.call('GET', '/v1/apps?org_slug=personal')).status);
    }
    expect([...statuses].every((s) => [500, 502, 503].includes(s))).toBe(true);
    sim.setFaults({ errorRatio: 0, rateLimitRatio: 1 });
    const limited = await client.call('GET', '/v1/apps?org_slug=personal');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    sim.clearFaults();
    expect((await client.call('GET', '/v1/apps?org_slug=personal')).status).toBe(200);
  });

  it('hangs a call until the client gives up, without it taking effect', async () => {
    const { sim, client } = await simWith({ faults: { timeoutRatio: 1 } });
    const attempt = fetch(`${sim.url}/v1/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'never', org_slug: 'personal' }),
      signal: AbortSignal.timeout(300),
    });
    await expect(attempt).rejects.toThrow();
    sim.clearFaults();
    expect((await client.call('GET', '/v1/apps/never')).status).toBe(404);
  });

  it('loses the response of a call that took effect (lostResponseRatio)', async () => {
    const { sim, client } = await simWith({ faults: { lostResponseRatio: 1 } });
    const attempt = fetch(`${sim.url}/v1/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'happened', org_slug: 'personal' }),
    });
    await expect(attempt).rejects.toThrow();
    sim.clearFaults();
    expect((await client.call('GET', '/v1/apps/happened')).status).toBe(200);
  });
});
