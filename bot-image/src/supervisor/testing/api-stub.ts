import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { profileSchema } from '@hmmtrade/crds';

/** A canned answer: status, JSON body, extra headers. */
export interface StubReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One accepted ingest call, as the stub received it. */
export interface IngestCall<T> {
  bootId: string;
  items: T[];
}

/** A stand-in for the control plane's `/api/v1/internal/*` routes, on a real local port. */
export interface ApiStub {
  readonly url: string;
  /** Answers for the next calls; replace to script outages. */
  profile: () => StubReply;
  token: () => StubReply;
  /** While set, log and event ingest answer this (e.g. 503) instead of storing. */
  ingestFailure: StubReply | undefined;
  readonly calls: { profile: number; token: number };
  readonly logCalls: IngestCall<{ seq: number; ts: string; stream: string; line: string }>[];
  readonly eventCalls: IngestCall<{
    seq: number;
    type: string;
    payload: Record<string, unknown>;
  }>[];
  /** Requests whose body or bearer token was wrong (should stay 0). */
  readonly rejected: string[];
  /** Stops listening (connections refused) until `listen()`. */
  stop(): Promise<void>;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export const STUB_BOT_ID = '6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b';
export const STUB_MACHINE_TOKEN = 'machine-jwt-SECRET-5f7e';
export const STUB_KEY_ID = 'PKSTUBKEYID1234';
export const STUB_SECRET_KEY = 'stub-secret-key-9d8c7b6a';

export const stubProfile = (overrides: { kind?: 'alpaca' | 'sim' } = {}) => ({
  botId: STUB_BOT_ID,
  name: 'stub-bot',
  generation: 7,
  profile_json: {
    mode: 'paper',
    broker: { kind: overrides.kind ?? 'alpaca' },
    profile: profileSchema.parse({
      symbols: ['AAPL', 'BRK.B'],
      assetClass: 'stocks',
      routing: { calm: 'trend', panic: 'flat' },
    }),
  },
  connection:
    overrides.kind === 'sim'
      ? null
      : {
          id: '0b7c6d5e-4f3a-4b2c-9d1e-0f9a8b7c6d5e',
          kind: 'alpaca',
          environment: 'paper',
          label: 'my paper',
        },
});

export const alpacaToken = (ttlMs = 15 * 60_000, secretKey = STUB_SECRET_KEY) => ({
  kind: 'alpaca',
  environment: 'paper',
  credentials: { keyId: STUB_KEY_ID, secretKey },
  expiresAt: new Date(Date.now() + ttlMs).toISOString(),
});

const logBody = z.strictObject({
  bootId: z.string().min(1).max(64),
  lines: z
    .array(
      z.strictObject({
        seq: z.int().min(0),
        ts: z.iso.datetime({ offset: true }),
        stream: z.enum(['stdout', 'stderr', 'supervisor']),
        line: z.string().max(16_384),
      }),
    )
    .min(1)
    .max(1000),
});

const eventBody = z.strictObject({
  bootId: z.string().min(1).max(64),
  events: z
    .array(
      z.strictObject({
        seq: z.int().min(0),
        ts: z.iso.datetime({ offset: true }),
        type: z.string(),
        payload: z.record(z.string(), z.unknown()),
      }),
    )
    .min(1)
    .max(1000),
});

/** Starts the stub on `port` (0: any free port). */
export async function startApiStub(port = 0): Promise<ApiStub> {
  let server: Server | undefined;
  let boundPort = port;
  const stub: ApiStub = {
    get url() {
      return `http://127.0.0.1:${boundPort}`;
    },
    profile: () => ({ status: 200, body: stubProfile() }),
    token: () => ({ status: 200, body: alpacaToken() }),
    ingestFailure: undefined,
    calls: { profile: 0, token: 0 },
    logCalls: [],
    eventCalls: [],
    rejected: [],
    stop: async () => {
      const current = server;
      server = undefined;
      if (!current) return;
      current.closeAllConnections();
      await new Promise<void>((resolve) => current.close(() => resolve()));
    },
    listen: async () => {
      const next = createServer((req, res) => {
        handle(req, res).catch(() => res.destroy());
      });
      await new Promise<void>((resolve) => next.listen(boundPort, '127.0.0.1', resolve));
      boundPort = (next.address() as AddressInfo).port;
      server = next;
    },
    close: () => stub.stop(),
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const send = (reply: StubReply) => {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    };
    if (req.headers.authorization !== `Bearer ${STUB_MACHINE_TOKEN}`) {
      stub.rejected.push(`${req.method} ${req.url}: bad authorization`);
      return send({ status: 401, body: { error: { code: 'unauthorized', message: 'bad token' } } });
    }
    const base = `/api/v1/internal/bots/${STUB_BOT_ID}`;
    if (req.method === 'GET' && req.url === base) {
      stub.calls.profile += 1;
      return send(stub.profile());
    }
    if (req.method === 'POST' && req.url === '/api/v1/internal/broker_token') {
      stub.calls.token += 1;
      return send(stub.token());
    }
    const ingest =
      req.url === `${base}/logs` ? logBody : req.url === `${base}/events` ? eventBody : undefined;
    if (req.method !== 'POST' || !ingest) {
      return send({ status: 404, body: { error: { code: 'not_found', message: 'no route' } } });
    }
    if (stub.ingestFailure) return send(stub.ingestFailure);
    const parsed = ingest.safeParse(JSON.parse(text));
    if (!parsed.success) {
      stub.rejected.push(`${req.url}: ${parsed.error.message}`);
      return send({ status: 400, body: { error: { code: 'bad_request', message: 'invalid' } } });
    }
    if ('lines' in parsed.data) {
      stub.logCalls.push({ bootId: parsed.data.bootId, items: parsed.data.lines });
    } else {
      stub.eventCalls.push({ bootId: parsed.data.bootId, items: parsed.data.events });
    }
    const count = 'lines' in parsed.data ? parsed.data.lines.length : parsed.data.events.length;
    return send({ status: 200, body: { accepted: count, duplicates: 0 } });
  }

  await stub.listen();
  return stub;
}

/** All log items received, in arrival order, with their boot id. */
export function receivedLines(stub: ApiStub) {
  return stub.logCalls.flatMap((call) =>
    call.items.map((item) => ({ bootId: call.bootId, ...item })),
  );
}

export function receivedEvents(stub: ApiStub) {
  return stub.eventCalls.flatMap((call) =>
    call.items.map((item) => ({ bootId: call.bootId, ...item })),
  );
}
