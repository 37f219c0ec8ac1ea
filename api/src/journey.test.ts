import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, startTestApi, type TestApi } from './testing/api-harness.ts';

const spec = {
  broker: { kind: 'sim' },
  profile: { symbols: ['BTC/USD'], assetClass: 'crypto', timeframe: '1Min' },
  runtime: { backend: 'local' },
};

/** Reads server-sent events until `count` have arrived (or the stream ends). */
async function readEvents(
  response: Response,
  count: number,
): Promise<{ id: string; data: unknown }[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: { id: string; data: unknown }[] = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const id = /^id: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (id && data) events.push({ id, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return events;
}

describe('journey: signup → broker → bot → machine JWT → profile + broker token → logs in → streamed back', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('postgres');
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('works end to end over HTTP', async () => {
    const user = createTestClient(api.url);
    await user.signup('journey@example.com');
    const bot = (await user.request('POST', '/api/v1/bots', { name: 'journey', spec })).body;
    const botId: string = bot.metadata.id;

    const machine = user.bearer(await api.machineTokens.mint(botId));
    const profile = await machine.request('GET', `/api/v1/internal/bots/${botId}`);
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({
      botId,
      name: 'journey',
      profile_json: { mode: 'paper', broker: { kind: 'sim' }, profile: { symbols: ['BTC/USD'] } },
      connection: null,
    });

    const lines = [0, 1, 2].map((seq) => ({
      seq,
      ts: new Date(Date.UTC(2026, 10, 25, 12, 0, seq)).toISOString(),
      stream: 'stdout',
      line: `tick ${seq}`,
    }));
    const first = await machine.request('POST', `/api/v1/internal/bots/${botId}/logs`, {
      bootId: 'boot-1',
      lines,
    });
    expect(first.body).toEqual({ accepted: 3, duplicates: 0 });
    const retried = await machine.request('POST', `/api/v1/internal/bots/${botId}/logs`, {
      bootId: 'boot-1',
      lines,
    });
    expect(retried.body).toEqual({ accepted: 0, duplicates: 3 });

    const tail = await user.request('GET', `/api/v1/bots/${botId}/logs?limit=2`);
    expect(tail.body.items.map((l: { line: string }) => l.line)).toEqual(['tick 1', 'tick 2']);
    const older = await user.request(
      'GET',
      `/api/v1/bots/${botId}/logs?limit=2&before=${tail.body.nextBefore}`,
    );
    expect(older.body.items.map((l: { line: string }) => l.line)).toEqual(['tick 0']);

    const cookie = await sessionCookie(user);
    const stream = await fetch(`${api.url}/api/v1/bots/${botId}/logs/stream?tail=2`, {
      headers: { cookie },
    });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const pending = readEvents(stream, 3);
    await machine.request('POST', `/api/v1/internal/bots/${botId}/logs`, {
      bootId: 'boot-1',
      lines: [{ seq: 3, ts: new Date().toISOString(), stream: 'stderr', line: 'tick 3' }],
    });
    const events = await pending;
    expect(events.map((e) => (e.data as { line: string }).line)).toEqual([
      'tick 1',
      'tick 2',
      'tick 3',
    ]);

    const resumed = await fetch(`${api.url}/api/v1/bots/${botId}/logs/stream`, {
      headers: { cookie, 'last-event-id': events[1]!.id },
    });
    expect((await readEvents(resumed, 1)).map((e) => (e.data as { line: string }).line)).toEqual([
      'tick 3',
    ]);
  });

  it('records regime changes and heartbeats into status, idempotently', async () => {
    const user = createTestClient(api.url);
    await user.signup('events@example.com');
    const botId: string = (await user.request('POST', '/api/v1/bots', { name: 'events', spec }))
      .body.metadata.id;
    const machine = user.bearer(await api.machineTokens.mint(botId));
    const events = [
      {
        seq: 0,
        ts: '2026-11-25T12:00:00Z',
        type: 'regime_change',
        payload: { label: 'panic', confidence: 0.93 },
      },
      {
        seq: 1,
        ts: '2026-11-25T12:00:05Z',
        type: 'rejection',
        payload: { gate: 'maxDailyDrawdown', reason: 'daily drawdown 5.2% exceeds 5%' },
      },
      { seq: 2, ts: '2026-11-25T12:00:10Z', type: 'heartbeat' },
    ];
    expect(
      (
        await machine.request('POST', `/api/v1/internal/bots/${botId}/events`, {
          bootId: 'b',
          events,
        })
      ).body,
    ).toEqual({ accepted: 3, duplicates: 0 });
    const bot = (await user.request('GET', `/api/v1/bots/${botId}`)).body;
    expect(bot.status).toEqual({
      regime: { label: 'panic', confidence: 0.93, since: '2026-11-25T12:00:00Z' },
      lastHeartbeatAt: '2026-11-25T12:00:10Z',
    });
    const listed = await user.request('GET', `/api/v1/bots/${botId}/events?type=rejection`);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ type: 'rejection', payload: events[1]!.payload }),
    ]);
  });

  it('gives one bot’s JWT nothing of another bot', async () => {
    const user = createTestClient(api.url);
    await user.signup('two-bots@example.com');
    const a: string = (await user.request('POST', '/api/v1/bots', { name: 'a', spec })).body
      .metadata.id;
    const b: string = (await user.request('POST', '/api/v1/bots', { name: 'b', spec })).body
      .metadata.id;
    const machineA = user.bearer(await api.machineTokens.mint(a));
    expect((await machineA.request('GET', `/api/v1/internal/bots/${b}`)).status).toBe(404);
    const write = await machineA.request('POST', `/api/v1/internal/bots/${b}/logs`, {
      bootId: 'x',
      lines: [{ seq: 0, ts: new Date().toISOString(), stream: 'stdout', line: 'spoof' }],
    });
    expect(write.status).toBe(404);
    expect((await machineA.request('GET', '/api/v1/bots')).status).toBe(401);
    const jwks = (await user.request('GET', '/api/v1/internal/jwks')).body;
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
  });
});

async function sessionCookie(client: ReturnType<typeof createTestClient>): Promise<string> {
  const login = await client.request('POST', '/api/v1/accounts/login', {
    email: 'journey@example.com',
    password: 'correct horse battery staple',
  });
  return login.headers.get('set-cookie')!.split(';')[0]!;
}
