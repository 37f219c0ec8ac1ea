import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFlySim } from './fly-sim.ts';
import { createOpenApiValidator } from './openapi-validator.ts';
import { createSimClient, fixtureImages, type SimClient } from './sim-test-client.ts';
import type { FlySim } from './types.ts';

const APP = 'api-app';
const base = `/v1/apps/${APP}/machines`;
const validator = createOpenApiValidator();
let sim: FlySim;
let client: SimClient;

interface MachineBody {
  id: string;
  name: string;
  state: string;
  region: string;
  version: string;
  config: { image: string; metadata?: Record<string, string>; guest?: Record<string, unknown> };
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

async function create(body: Record<string, unknown>): Promise<MachineBody> {
  const created = await client.call('POST', base, { body });
  expect(created.status).toBe(200);
  return created.body as MachineBody;
}

describe('apps', () => {
  it('creates, shows, lists by org and deletes apps', async () => {
    const created = await client.call('POST', '/v1/apps', {
      body: { name: 'app-two', org_slug: 'acme' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String) });
    const taken = await client.call('POST', '/v1/apps', {
      body: { name: 'app-two', org_slug: 'acme' },
    });
    expect(taken.status).toBe(422);
    expect(taken.body).toMatchObject({ status: 'name_taken' });
    expect((await client.call('GET', '/v1/apps/app-two')).body).toMatchObject({
      name: 'app-two',
      machine_count: 0,
      organization: { slug: 'acme' },
    });
    expect((await client.call('GET', '/v1/apps?org_slug=acme')).body).toMatchObject({
      total_apps: 1,
      apps: [{ name: 'app-two' }],
    });
    const noOrg = await client.call('GET', '/v1/apps', { offSpec: true });
    expect(noOrg.status).toBe(400);
    expect((noOrg.body as { error: string }).error).toContain('org_slug');
    expect((await client.call('DELETE', '/v1/apps/app-two')).status).toBe(202);
    expect((await client.call('GET', '/v1/apps/app-two')).status).toBe(404);
  });

  it('makes a create with the same idempotency_key return the first app', async () => {
    const body = { name: 'app-idem', org_slug: 'personal', idempotency_key: 'k1' };
    const first = await client.call('POST', '/v1/apps', { body });
    const again = await client.call('POST', '/v1/apps', { body });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const other = await client.call('POST', '/v1/apps', { body: { ...body, name: 'app-other' } });
    expect(other.status).toBe(422);
  });

  it('answers 404 with an ErrorResponse for unknown apps and machines', async () => {
    const app = await client.call('GET', '/v1/apps/nope/machines');
    expect(app).toMatchObject({ status: 404, body: { error: 'app not found' } });
    const machine = await client.call('GET', `${base}/0123456789abcd`);
    expect(machine).toMatchObject({ status: 404, body: { error: 'machine not found' } });
  });
});

describe('machines', () => {
  it('honours skip_launch, fills guest defaults and refuses a duplicate name with 409', async () => {
    const m = await create({
      name: 'unique',
      region: 'ams',
      skip_launch: true,
      config: { image: 'bot:1' },
    });
    expect(m).toMatchObject({ name: 'unique', state: 'created', region: 'ams' });
    expect(m.config.guest).toEqual({ cpu_kind: 'shared', cpus: 1, memory_mb: 256 });
    const duplicate = await client.call('POST', base, {
      body: { name: 'unique', config: { image: 'bot:1' } },
    });
    expect(duplicate.status).toBe(409);
    expect((duplicate.body as { error: string }).error).toContain(m.id);
    expect(((await client.call('GET', `${base}/${m.id}`)).body as MachineBody).state).toBe(
      'created',
    );
  });

  it('rejects a bad config with 400 naming the field', async () => {
    const bad = await client.call('POST', base, {
      body: { config: { image: 'bot:1', guest: { cpus: 'two' } } },
      offSpec: true,
    });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: string }).error).toContain('config.guest.cpus');
    const noImage = await client.call('POST', base, { body: { config: {} } });
    expect(noImage.status).toBe(400);
    expect((noImage.body as { error: string }).error).toContain('config.image');
  });

  it('filters the list by metadata, state and region, and pages with fly-next-cursor', async () => {
    const tagged = (bot: string, region = 'iad') =>
      create({
        region,
        skip_launch: true,
        config: { image: 'bot:1', metadata: { hmmtrade_bot_id: bot, team: 'x' } },
      });
    const a = await tagged('filter-a');
    const b = await tagged('filter-b', 'fra');
    await tagged('filter-c');
    const byBot = (await client.call('GET', `${base}?metadata.hmmtrade_bot_id=filter-a`))
      .body as MachineBody[];
    expect(byBot.map((m) => m.id)).toEqual([a.id]);
    const both = await client.call(
      'GET',
      `${base}?metadata.hmmtrade_bot_id=filter-b&metadata.team=x`,
    );
    expect((both.body as MachineBody[]).map((m) => m.id)).toEqual([b.id]);
    const none = await client.call(
      'GET',
      `${base}?metadata.hmmtrade_bot_id=filter-b&metadata.team=y`,
    );
    expect(none.body).toEqual([]);
    const inFra = (await client.call('GET', `${base}?region=fra&metadata.team=x`))
      .body as MachineBody[];
    expect(inFra.map((m) => m.id)).toEqual([b.id]);
    const created = (await client.call('GET', `${base}?state=created,started&metadata.team=x`))
      .body as MachineBody[];
    expect(created).toHaveLength(3);
    expect((await client.call('GET', `${base}?state=stopped&metadata.team=x`)).body).toEqual([]);
    expect((await client.call('GET', `${base}?state=bogus`)).status).toBe(400);

    const page1 = await client.call('GET', `${base}?metadata.team=x&limit=2`);
    expect(page1.body as MachineBody[]).toHaveLength(2);
    const cursor = page1.headers.get('fly-next-cursor');
    expect(cursor).toBeTruthy();
    const page2 = await client.call('GET', `${base}?metadata.team=x&limit=2&cursor=${cursor}`);
    expect((page2.body as MachineBody[]).map((m) => m.config.metadata?.hmmtrade_bot_id)).toEqual([
      'filter-c',
    ]);
    expect(page2.headers.get('fly-next-cursor')).toBeNull();
    const summary = (await client.call('GET', `${base}?metadata.team=x&summary=true`))
      .body as MachineBody[];
    expect(summary[0]).not.toHaveProperty('config');
  });

  it('guards update with current_version: 409 and nothing changes on a stale one', async () => {
    const m = await create({ skip_launch: true, config: { image: 'bot:1' } });
    const stale = await client.call('POST', `${base}/${m.id}`, {
      body: { current_version: '01ARZ3NDEKTSV4RRFFQ69G5FAV', config: { image: 'bot:2' } },
    });
    expect(stale.status).toBe(409);
    const after = (await client.call('GET', `${base}/${m.id}`)).body as MachineBody;
    expect(after).toMatchObject({ version: m.version, config: { image: 'bot:1' } });
    const ok = await client.call('POST', `${base}/${m.id}`, {
      body: { current_version: m.version, skip_launch: true, config: { image: 'bot:2' } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'created', config: { image: 'bot:2' } });
    expect((ok.body as MachineBody).version).not.toBe(m.version);
    const old = await client.call('GET', `${base}/${m.id}?version=${m.version}`);
    expect(old.body).toMatchObject({ version: m.version, config: { image: 'bot:1' } });
  });

  it('answers a wait with 408 when the state is not reached in time, and 400 for a bad state', async () => {
    const m = await create({ skip_launch: true, config: { image: 'bot:1' } });
    const timedOut = await client.call('GET', `${base}/${m.id}/wait?state=started&timeout=1`);
    expect(timedOut.status).toBe(408);
    expect((timedOut.body as { error: string }).error).toContain('started');
    const bad = await client.call('GET', `${base}/${m.id}/wait?state=running`, { offSpec: true });
    expect(bad.status).toBe(400);
    const settled = await client.call('GET', `${base}/${m.id}/wait?state=settled&timeout=1`);
    expect(settled.body).toMatchObject({ ok: true, state: 'created' });
  });

  it('lists events newest first and versions of a machine', async () => {
    const m = await create({ config: { image: 'bot:1' } });
    await client.waitFor(APP, m.id, 'started');
    const events = (await client.call('GET', `${base}/${m.id}/events`)).body as Array<{
      type: string;
      status: string;
    }>;
    expect(events.map((e) => `${e.type}/${e.status}`)).toEqual([
      'start/started',
      'start/starting',
      'launch/created',
    ]);
    expect((await client.call('GET', `${base}/${m.id}/events?limit=1`)).body).toHaveLength(1);
    const machine = (await client.call('GET', `${base}/${m.id}`)).body as { events: unknown[] };
    expect(machine.events).toHaveLength(3);
    await client.call('DELETE', `${base}/${m.id}?force=true`);
  });

  it('reads and writes metadata keys', async () => {
    const m = await create({
      skip_launch: true,
      config: { image: 'bot:1', metadata: { a: '1', b: '2' } },
    });
    const path = `${base}/${m.id}/metadata`;
    expect((await client.call('GET', path)).body).toEqual({ a: '1', b: '2' });
    expect(
      (await client.call('PATCH', path, { body: { metadata: { a: '', c: '3' } } })).status,
    ).toBe(204);
    expect((await client.call('GET', path)).body).toEqual({ b: '2', c: '3' });
    expect((await client.call('POST', `${path}/d`, { body: { value: '4' } })).status).toBe(204);
    expect((await client.call('GET', `${path}/d`)).body).toEqual({ value: '4' });
    expect((await client.call('DELETE', `${path}/d`)).status).toBe(204);
    expect((await client.call('GET', `${path}/d`)).status).toBe(404);
    const stale = await client.call('PATCH', path, {
      body: { metadata: { e: '5' }, machine_version: 'old' },
    });
    expect(stale.status).toBe(412);
    expect((await client.call('GET', `${base}?metadata.c=3`)).body).toHaveLength(1);
  });

  it('answers 501 for spec operations the sim does not implement', async () => {
    const volumes = await client.call('GET', `/v1/apps/${APP}/volumes`);
    expect(volumes.status).toBe(501);
  });
});

describe('the wait right after create', () => {
  it('answers 404 for a short window, as Fly does, then waits', async () => {
    const slow = await startFlySim({
      images: fixtureImages(),
      rateLimits: false,
      waitNotFoundMs: 400,
    });
    try {
      const own = createSimClient(slow, validator);
      await own.call('POST', '/v1/apps', { body: { name: 'w', org_slug: 'personal' } });
      const m = (
        await own.call('POST', '/v1/apps/w/machines', { body: { config: { image: 'bot:1' } } })
      ).body as MachineBody;
      const early = await own.call('GET', `/v1/apps/w/machines/${m.id}/wait?state=started`);
      expect(early.status).toBe(404);
      expect((await own.waitFor('w', m.id, 'started')).status).toBe(200);
      expect(own.violations).toEqual([]);
    } finally {
      await slow.stop();
    }
  });
});
