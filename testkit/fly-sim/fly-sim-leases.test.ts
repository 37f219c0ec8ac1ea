import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFlySim } from './fly-sim.ts';
import { createOpenApiValidator } from './openapi-validator.ts';
import { createSimClient, eventually, fixtureImages, type SimClient } from './sim-test-client.ts';
import type { FlySim } from './types.ts';

const APP = 'lease-app';
const base = `/v1/apps/${APP}/machines`;
const NONCE = 'fly-machine-lease-nonce';
const validator = createOpenApiValidator();
let sim: FlySim;
let client: SimClient;

interface LeaseBody {
  status: string;
  data: { nonce: string; expires_at: number; owner: string; version: string };
}

beforeAll(async () => {
  sim = await startFlySim({ images: fixtureImages(), rateLimits: false, waitNotFoundMs: 0 });
  client = createSimClient(sim, validator);
  await client.call('POST', '/v1/apps', { body: { name: APP, org_slug: 'personal' } });
});

afterAll(async () => {
  await sim.stop();
});

afterEach(() => {
  expect(client.violations).toEqual([]);
});

async function stoppedMachine(): Promise<{ id: string; version: string }> {
  const created = await client.call('POST', base, {
    body: { skip_launch: true, config: { image: 'bot:1' } },
  });
  return created.body as { id: string; version: string };
}

describe('machine leases', () => {
  it('grants a wrapped lease and refuses mutations without its nonce with 409', async () => {
    const m = await stoppedMachine();
    const granted = await client.call('POST', `${base}/${m.id}/lease`, {
      body: { ttl: 60, description: 'reconcile' },
    });
    expect(granted.status).toBe(201);
    const lease = granted.body as LeaseBody;
    expect(lease).toMatchObject({
      status: 'success',
      data: { owner: expect.any(String), version: m.version },
    });
    expect(lease.data.expires_at).toBeGreaterThan(Date.now() / 1000 + 50);

    const shown = await client.call('GET', `${base}/${m.id}/lease`);
    expect((shown.body as LeaseBody).data.nonce).toBe(lease.data.nonce);
    const second = await client.call('POST', `${base}/${m.id}/lease`, { body: { ttl: 60 } });
    expect(second.status).toBe(409);

    const start = await client.call('POST', `${base}/${m.id}/start`);
    expect(start.status).toBe(409);
    expect((start.body as { error: string }).error).toContain(NONCE);
    const wrong = await client.call('POST', `${base}/${m.id}/start`, {
      headers: { [NONCE]: 'not-it' },
    });
    expect(wrong.status).toBe(409);
    const update = await client.call('POST', `${base}/${m.id}`, {
      body: { skip_launch: true, config: { image: 'bot:2' } },
    });
    expect(update.status).toBe(409);
    const destroy = await client.call('DELETE', `${base}/${m.id}?force=true`);
    expect(destroy.status).toBe(409);

    const allowed = await client.call('POST', `${base}/${m.id}/start`, {
      headers: { [NONCE]: lease.data.nonce },
    });
    expect(allowed.status).toBe(200);
    const listed = await client.call('GET', `${base}/${m.id}?include_leases=true`);
    expect(listed.body).toMatchObject({
      lease: { owner: lease.data.owner, description: 'reconcile' },
    });
  });

  it('refreshes a lease with its nonce, and releases only with the right nonce', async () => {
    const m = await stoppedMachine();
    const lease = (await client.call('POST', `${base}/${m.id}/lease`, { body: { ttl: 10 } }))
      .body as LeaseBody;
    const refreshed = await client.call('POST', `${base}/${m.id}/lease`, {
      body: { ttl: 120 },
      headers: { [NONCE]: lease.data.nonce },
    });
    expect(refreshed.status).toBe(201);
    expect((refreshed.body as LeaseBody).data.nonce).toBe(lease.data.nonce);
    expect((refreshed.body as LeaseBody).data.expires_at).toBeGreaterThan(lease.data.expires_at);

    const missing = await client.call('DELETE', `${base}/${m.id}/lease`, { offSpec: true });
    expect(missing.status).toBe(400);
    const wrong = await client.call('DELETE', `${base}/${m.id}/lease`, {
      headers: { [NONCE]: 'nope' },
    });
    expect(wrong.status).toBe(409);
    const released = await client.call('DELETE', `${base}/${m.id}/lease`, {
      headers: { [NONCE]: lease.data.nonce },
    });
    expect(released.status).toBe(200);
    expect((await client.call('GET', `${base}/${m.id}/lease`)).status).toBe(404);
    expect((await client.call('POST', `${base}/${m.id}/start`)).status).toBe(200);
  });

  it('lets a lease expire after its ttl', async () => {
    const m = await stoppedMachine();
    await client.call('POST', `${base}/${m.id}/lease`, { body: { ttl: 1 } });
    expect((await client.call('POST', `${base}/${m.id}/cordon`)).status).toBe(409);
    await eventually(async () => {
      const lease = await client.call('GET', `${base}/${m.id}/lease`);
      return lease.status === 404 ? true : undefined;
    });
    expect((await client.call('POST', `${base}/${m.id}/cordon`)).status).toBe(200);
  });

  it('returns the nonce of a lease created with the machine (lease_ttl)', async () => {
    const created = await client.call('POST', base, {
      body: { skip_launch: true, lease_ttl: 30, config: { image: 'bot:1' } },
    });
    const { id, nonce } = created.body as { id: string; nonce: string };
    expect(nonce).toEqual(expect.any(String));
    expect((await client.call('POST', `${base}/${id}/start`)).status).toBe(409);
    expect(
      (await client.call('POST', `${base}/${id}/start`, { headers: { [NONCE]: nonce } })).status,
    ).toBe(200);
  });
});
