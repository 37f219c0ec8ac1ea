import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startFlySim } from './fly-sim.ts';
import { createOpenApiValidator } from './openapi-validator.ts';
import type { OpenApiValidator } from './openapi-validator.ts';
import type { FlySim, FlySimOptions, SimMachineView } from './types.ts';

/** Fixture "images" for the sim tests: node one-liners with observable signal handling. */
export function fixtureImages(): Record<string, readonly string[]> {
  const node = (body: string): readonly string[] => [process.execPath, '-e', body];
  const keep = "console.log('ready'); setInterval(() => {}, 1000);";
  const report = (signal: string): string =>
    `process.on('${signal}', () => { console.log('got ${signal}'); process.exit(0); });`;
  return {
    'bot:1': node(
      `${report('SIGTERM')} ${report('SIGINT')} console.log('env ' + JSON.stringify({ id: process.env.FLY_MACHINE_ID, app: process.env.FLY_APP_NAME, region: process.env.FLY_REGION, image: process.env.FLY_IMAGE_REF, mode: process.env.BOT_MODE, base: process.env.BASE_VAR })); ${keep}`,
    ),
    'bot:2': node(`${report('SIGTERM')} console.log('v2 mode=' + process.env.BOT_MODE); ${keep}`),
    'stubborn:1': node(`process.on('SIGTERM', () => console.log('ignored SIGTERM')); ${keep}`),
    'exit:1': node(
      "console.log('run'); setTimeout(() => process.exit(Number(process.env.EXIT_CODE ?? '3')), 30);",
    ),
  };
}

/** One answer: status, parsed JSON body (undefined when empty) and headers. */
export interface SimResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

/** How to send one call. */
export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Authorization token; null sends none. Default: the sim's token. */
  token?: string | null;
  /** The test sends a request the spec does not allow on purpose (skips request validation). */
  offSpec?: boolean;
}

/**
 * A client for the sim tests that checks every request (unless `offSpec`) and every response
 * against the OpenAPI document, collecting what does not conform in `violations`.
 */
export interface SimClient {
  call(method: string, path: string, options?: CallOptions): Promise<SimResponse>;
  /** GET …/wait until `state`, retrying the 404 Fly answers right after a create. */
  waitFor(app: string, id: string, state: string, timeoutSeconds?: number): Promise<SimResponse>;
  violations: string[];
}

/** A client for `sim` checked by `validator`. */
export function createSimClient(sim: FlySim, validator: OpenApiValidator): SimClient {
  const violations: string[] = [];
  const client: SimClient = {
    violations,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? sim.token : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (!options.offSpec) {
        const checked = validator.validateRequest(method, path, options.body, headers);
        if (!checked.ok) violations.push(`request ${method} ${path}: ${checked.errors.join('; ')}`);
      }
      const response = await fetch(`${sim.url}${path}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      const text = await response.text();
      const body = text === '' ? undefined : (JSON.parse(text) as unknown);
      const checked = validator.validateResponse(method, path, response.status, body);
      if (!checked.ok) {
        violations.push(
          `response ${response.status} ${method} ${path}: ${checked.errors.join('; ')}`,
        );
      }
      return { status: response.status, body, headers: response.headers };
    },
    async waitFor(app, id, state, timeoutSeconds = 10) {
      const path = `/v1/apps/${app}/machines/${id}/wait?state=${state}&timeout=${timeoutSeconds}`;
      const deadline = performance.now() + 5000;
      for (;;) {
        const answer = await client.call('GET', path);
        if (answer.status !== 404 || performance.now() > deadline) return answer;
        await sleep(10);
      }
    },
  };
  return client;
}

/** Retries `probe` until it returns a value other than undefined (10 s at most). */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error('condition not met within 10 s');
    await sleep(20);
  }
}

/** Whether a process with `pid` exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A machine as the lifecycle tests read it. */
export interface MachineBody {
  id: string;
  state: string;
  instance_id: string;
  version: string;
  config: { image: string };
}

/** An exit/lifecycle event as the tests read it. */
export interface EventBody {
  type: string;
  status: string;
  request?: {
    error?: string;
    exit_event?: { exit_code: number; requested_stop: boolean; restarting: boolean };
  };
}

/** Helpers over one app of a sim for the lifecycle tests. */
export interface LifecycleHarness {
  base: string;
  /** Creates a machine and waits until it is started and its process printed `ready`. */
  createStarted(config: Record<string, unknown>): Promise<MachineBody>;
  view(id: string): SimMachineView | undefined;
  /** The pid of the machine's process; throws when none runs. */
  pidOf(id: string): number;
  /** All events of the machine, newest first. */
  events(id: string): Promise<EventBody[]>;
}

/** Lifecycle helpers for `app` (which must exist) on `sim` through `client`. */
export function lifecycleHarness(sim: FlySim, client: SimClient, app: string): LifecycleHarness {
  const base = `/v1/apps/${app}/machines`;
  const view = (id: string): SimMachineView | undefined =>
    sim.machines(app).find((m) => m.id === id);
  return {
    base,
    async createStarted(config) {
      const created = await client.call('POST', base, { body: { config } });
      if (created.status !== 200) throw new Error(`create answered ${created.status}`);
      const machine = created.body as MachineBody;
      const started = await client.waitFor(app, machine.id, 'started');
      if (started.status !== 200) throw new Error(`wait started answered ${started.status}`);
      await eventually(() => (sim.output(app, machine.id).includes('ready') ? true : undefined));
      return machine;
    },
    view,
    pidOf(id) {
      const pid = view(id)?.pid;
      if (typeof pid !== 'number') throw new Error(`machine ${id} has no process`);
      return pid;
    },
    async events(id) {
      return (await client.call('GET', `${base}/${id}/events?limit=50`)).body as EventBody[];
    },
  };
}

/** What `useLifecycleSim` hands a test file once its `beforeAll` has run. */
export interface LifecycleSim {
  sim: FlySim;
  client: SimClient;
  h: LifecycleHarness;
}

/**
 * The hooks of a test file that drives one app on a sim of its own (no rate limits, fixture
 * images): starts it and creates `app` before all tests, checks after each test that every
 * exchange matched the OpenAPI document, stops it after all. `ready` receives the parts.
 */
export function useLifecycleSim(
  app: string,
  options: Partial<FlySimOptions>,
  ready: (parts: LifecycleSim) => void,
): void {
  let sim: FlySim | undefined;
  let client: SimClient | undefined;
  beforeAll(async () => {
    sim = await startFlySim({ images: fixtureImages(), rateLimits: false, ...options });
    client = createSimClient(sim, createOpenApiValidator());
    const created = await client.call('POST', '/v1/apps', {
      body: { name: app, org_slug: 'personal' },
    });
    expect(created.status).toBe(201);
    ready({ sim, client, h: lifecycleHarness(sim, client, app) });
  });
  afterAll(async () => {
    await sim?.stop();
  });
  afterEach(() => {
    expect(client?.violations).toEqual([]);
  });
}
