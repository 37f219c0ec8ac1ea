import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestClient,
  startTestApi,
  type TestApi,
  type TestClient,
} from '../testing/api-harness.ts';

const spec = {
  broker: { kind: 'sim' },
  profile: { symbols: ['AAPL'], assetClass: 'stocks', timeframe: '5Min' },
  runtime: { backend: 'fly', schedule: 'market-hours' },
};

describe('bots API', () => {
  let api: TestApi;
  let ana: TestClient;
  beforeAll(async () => {
    api = await startTestApi('postgres');
    ana = createTestClient(api.url);
    await ana.signup('ana.bots@example.com');
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('creates a bot in TradingBot shape with defaults applied, and wakes the operator', async () => {
    const created = await ana.request('POST', '/api/v1/bots', { name: 'aapl-regime', spec });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      apiVersion: 'hmmtrade.io/v1alpha1',
      kind: 'TradingBot',
      metadata: { name: 'aapl-regime', generation: 1, source: 'api' },
      spec: { suspend: false, mode: 'paper', profile: { tickIntervalSeconds: 60 } },
      status: {},
    });
    expect(api.published).toContain(created.body.metadata.id);
    const listed = await ana.request('GET', '/api/v1/bots');
    expect(
      listed.body.items.map((bot: { metadata: { name: string } }) => bot.metadata.name),
    ).toContain('aapl-regime');
  });

  it('rejects an invalid spec with field paths and writes nothing', async () => {
    const before = await api.testDb.handle.db.selectFrom('bots').select('id').execute();
    const bad = await ana.request('POST', '/api/v1/bots', {
      name: 'Bad_Name',
      spec: { ...spec, profile: { ...spec.profile, symbols: [], risk: { maxPositionPct: 1.5 } } },
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.name',
        'body.spec.profile.symbols',
        'body.spec.profile.risk.maxPositionPct',
      ]),
    );
    expect(await api.testDb.handle.db.selectFrom('bots').select('id').execute()).toEqual(before);
  });

  it('moves generation only when the spec changes; start and stop flip suspend', async () => {
    const { body: bot } = await ana.request('POST', '/api/v1/bots', { name: 'gen', spec });
    const same = await ana.request('PUT', `/api/v1/bots/${bot.metadata.id}/spec`, spec);
    expect(same.body.metadata.generation).toBe(1);
    const stopped = await ana.request('POST', `/api/v1/bots/${bot.metadata.id}/stop`);
    expect(stopped.body).toMatchObject({ metadata: { generation: 2 }, spec: { suspend: true } });
    const stoppedAgain = await ana.request('POST', `/api/v1/bots/${bot.metadata.id}/stop`);
    expect(stoppedAgain.body.metadata.generation).toBe(2);
    const started = await ana.request('POST', `/api/v1/bots/${bot.metadata.id}/start`);
    expect(started.body).toMatchObject({ metadata: { generation: 3 }, spec: { suspend: false } });
  });

  it('refuses a name already in use, and a connection that is not yours', async () => {
    await ana.request('POST', '/api/v1/bots', { name: 'twice', spec });
    expect((await ana.request('POST', '/api/v1/bots', { name: 'twice', spec })).status).toBe(409);
    const foreign = await ana.request('POST', '/api/v1/bots', {
      name: 'alpaca',
      spec: {
        ...spec,
        broker: { kind: 'alpaca', connectionId: '00000000-0000-4000-8000-000000000000' },
      },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.issues).toEqual([
      { path: 'spec.broker.connectionId', message: 'no such broker connection' },
    ]);
  });

  it('deletes by marking deletionTimestamp (the operator finalizes), then refuses changes', async () => {
    const { body: bot } = await ana.request('POST', '/api/v1/bots', { name: 'doomed', spec });
    const deleted = await ana.request('DELETE', `/api/v1/bots/${bot.metadata.id}`);
    expect(deleted.status).toBe(202);
    expect(deleted.body.metadata.deletionTimestamp).toEqual(expect.any(String));
    const change = await ana.request('PUT', `/api/v1/bots/${bot.metadata.id}/spec`, spec);
    expect(change.status).toBe(409);
    expect(change.body.error.message).toBe('the bot is being deleted');
  });

  it('keeps Kubernetes bots read-only', async () => {
    const me = await ana.request('GET', '/api/v1/accounts/me');
    const row = await api.testDb.handle.db
      .insertInto('bots')
      .values({
        owner_id: me.body.user.id,
        name: 'from-k8s',
        source: 'kubernetes',
        spec: JSON.stringify({ ...spec, broker: { kind: 'sim' } }),
        k8s_namespace: 'trading',
        k8s_name: 'from-k8s',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const change = await ana.request('POST', `/api/v1/bots/${row.id}/stop`);
    expect(change.status).toBe(409);
    expect(change.body.error.message).toBe(
      'managed by Kubernetes (trading/from-k8s): change it with kubectl',
    );
  });
});
