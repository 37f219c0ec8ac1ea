import { createMachinesClient } from '../machines-client.ts';
import type { MachinesClientOptions } from '../machines-client.ts';
import { startStubServer } from './stub-server.ts';
import type { StubReply, StubRequest, StubServer } from './stub-server.ts';

/** The token stub clients send. */
export const STUB_TOKEN = 'fo1_secret-test-token-value';

/** A client on a stub, what the client slept between retries, and the stub. */
export interface StubClient {
  client: ReturnType<typeof createMachinesClient>;
  delays: number[];
  server: StubServer;
}

/**
 * A client against a stub answering `replies` in order (the last one repeats), or by a handler.
 * No rate limits, no real sleeping, jitter drawn at the top of its range. Close `server` after.
 */
export async function stubClient(
  replies: StubReply[] | ((request: StubRequest, index: number) => StubReply),
  options: Partial<MachinesClientOptions> = {},
): Promise<StubClient> {
  const handler =
    typeof replies === 'function'
      ? replies
      : (_: StubRequest, index: number) => replies[Math.min(index, replies.length - 1)] ?? 'hang';
  const server = await startStubServer(handler);
  const delays: number[] = [];
  const client = createMachinesClient({
    apiUrl: server.url,
    token: STUB_TOKEN,
    rateLimits: false,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    random: () => 0.999999,
    ...options,
  });
  return { client, delays, server };
}

/** A 200 with `body`. */
export const ok = (body?: unknown): StubReply => ({ status: 200, body });

/** An ErrorResponse with `status`. */
export const fail = (
  status: number,
  error = 'boom',
  headers?: Record<string, string>,
): StubReply => ({ status, body: { error }, headers });
