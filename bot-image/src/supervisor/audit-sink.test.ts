import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openAuditSink, type AuditSink } from './audit-sink.ts';
import { ControlPlaneError, type ControlPlaneClient } from './control-plane.client.ts';
import type { BotEvent, LogLine } from './control-plane.schemas.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An in-memory control plane whose ingest can fail on demand. */
function fakeClient() {
  const state = {
    failure: undefined as ControlPlaneError | undefined,
    poisonSeq: undefined as number | undefined,
    lines: [] as (LogLine & { bootId: string })[],
    events: [] as (BotEvent & { bootId: string })[],
    attempts: 0,
  };
  const client: ControlPlaneClient = {
    fetchProfile: () => Promise.reject(new Error('unused')),
    fetchBrokerToken: () => Promise.reject(new Error('unused')),
    postLogs: (bootId, lines) => {
      state.attempts += 1;
      if (state.failure) return Promise.reject(state.failure);
      if (lines.some((line) => line.seq === state.poisonSeq)) {
        return Promise.reject(
          new ControlPlaneError('400 invalid', { status: 400, retriable: false }),
        );
      }
      state.lines.push(...lines.map((line) => ({ bootId, ...line })));
      return Promise.resolve();
    },
    postEvents: (bootId, events) => {
      state.events.push(...events.map((event) => ({ bootId, ...event })));
      return Promise.resolve();
    },
  };
  return { client, state };
}

async function openSink(client: ControlPlaneClient, said: string[]): Promise<AuditSink> {
  const dir = await mkdtemp(join(tmpdir(), 'hmmtrade-sink-'));
  const sink = await openAuditSink({
    spoolDir: dir,
    bootId: 'boot-1',
    client,
    now: () => Date.parse('2026-11-25T12:00:00Z'),
    random: () => 0.5,
    backoff: { initialMs: 5, maxMs: 20 },
    say: (message) => said.push(message),
    flushIntervalMs: 5,
  });
  cleanups.push(
    () => rm(dir, { recursive: true, force: true }),
    () => sink.close(),
  );
  return sink;
}

describe('openAuditSink', () => {
  it('numbers lines and events separately from 0 and ships them', async () => {
    const { client, state } = fakeClient();
    const sink = await openSink(client, []);
    sink.log('stdout', 'a');
    sink.event('heartbeat');
    sink.log('stderr', 'b');
    sink.log('supervisor', 'x'.repeat(20_000));
    expect(await sink.flush(5_000)).toBe(true);
    expect(state.lines.map((l) => [l.seq, l.stream, l.line.length])).toEqual([
      [0, 'stdout', 1],
      [1, 'stderr', 1],
      [2, 'supervisor', 16_384],
    ]);
    expect(state.lines[0]).toEqual({
      bootId: 'boot-1',
      seq: 0,
      ts: '2026-11-25T12:00:00.000Z',
      stream: 'stdout',
      line: 'a',
    });
    expect(state.events).toEqual([
      { bootId: 'boot-1', seq: 0, ts: '2026-11-25T12:00:00.000Z', type: 'heartbeat', payload: {} },
    ]);
  });

  it('retries through an outage in order and reports a flush that runs out of time', async () => {
    const { client, state } = fakeClient();
    const said: string[] = [];
    const sink = await openSink(client, said);
    state.failure = new ControlPlaneError('connect ECONNREFUSED', { retriable: true });
    for (let i = 0; i < 1200; i += 1) sink.log('stdout', `line ${i}`);
    expect(await sink.flush(100)).toBe(false);
    expect(said).toContainEqual(
      expect.stringMatching(/^audit logs: not delivered \(connect ECONNREFUSED\), kept on disk/),
    );
    state.failure = undefined;
    await vi.waitFor(() => expect(state.lines).toHaveLength(1200), { timeout: 10_000 });
    expect(state.lines.map((l) => l.seq)).toEqual(Array.from({ length: 1200 }, (_, i) => i));
    expect(said).toContain('audit logs: control plane reachable again, draining the spool');
  });

  it('drops a batch the API refuses as malformed and moves on', async () => {
    const { client, state } = fakeClient();
    const said: string[] = [];
    const sink = await openSink(client, said);
    state.poisonSeq = 0;
    sink.log('stdout', 'poison');
    expect(await sink.flush(5_000)).toBe(true);
    sink.log('stdout', 'fine');
    expect(await sink.flush(5_000)).toBe(true);
    expect(state.lines.map((l) => l.line)).toEqual(['fine']);
    expect(said).toContain('audit logs: dropped 1 items the API refused: 400 invalid');
  });
});
