import { createOpenApiValidator, startFlySim } from '@hmmtrade/testkit/fly-sim';
import type { FlySim, FlySimOptions, OpenApiValidator } from '@hmmtrade/testkit/fly-sim';
import type { RuntimeUnderTest } from '../../runtime-contract.ts';
import { eventually } from '../../testing/eventually.ts';
import { createFlyRuntime } from '../fly-runtime.ts';
import type { FlyRuntime, FlyRuntimeOptions } from '../fly-runtime.ts';

/** The app every bot of a test lives in. */
export const SIM_APP = 'hmmtrade-bots-test';

/** A fixture "image": a node process that prints `ready` once its signal handlers are set. */
const script = (body: string): string[] => [
  process.execPath,
  '-e',
  `${body} console.log('ready'); setInterval(() => {}, 1000);`,
];

/** Images the sim runs (the defaults of `testing/desired-instance.ts`, plus a stubborn one). */
export const SIM_IMAGES = {
  test: 'ghcr.io/hmmtrade/bot:test',
  next: 'ghcr.io/hmmtrade/bot:next',
  /** Ignores SIGTERM: only the kill after the stop timeout ends it. */
  stubborn: 'ghcr.io/hmmtrade/bot:stubborn',
  /** Prints `received <signal>` for SIGTERM or SIGINT, then exits 0. */
  recorder: 'ghcr.io/hmmtrade/bot:recorder',
} as const;

const IMAGE_COMMANDS: Record<string, readonly string[]> = {
  [SIM_IMAGES.test]: script(''),
  [SIM_IMAGES.next]: script(''),
  [SIM_IMAGES.stubborn]: script("process.on('SIGTERM', () => {});"),
  [SIM_IMAGES.recorder]: script(
    "for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => { console.log('received ' + s); process.exit(0); });",
  ),
};

/**
 * `fetch` that checks every request the client sends (and every answer) against the Fly
 * OpenAPI document, collecting what does not conform in `violations`.
 */
export function validatingFetch(validator: OpenApiValidator, violations: string[]): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const request = validator.validateRequest(method, url, body, headers);
    if (!request.ok) violations.push(`request ${method} ${url}: ${request.errors.join('; ')}`);
    const response = await fetch(input, init);
    const text = await response.clone().text();
    const answer = text === '' ? undefined : (JSON.parse(text) as unknown);
    const checked = validator.validateResponse(method, url, response.status, answer);
    if (!checked.ok) {
      violations.push(
        `response ${response.status} to ${method} ${url}: ${checked.errors.join('; ')}`,
      );
    }
    return response;
  };
}

/** A sim, a Fly runtime on it whose every call is checked against the spec, and a teardown. */
export interface FlyUnderTest extends RuntimeUnderTest<FlyRuntime> {
  sim: FlySim;
  /** Spec violations seen so far (the teardown fails when there are any). */
  violations: string[];
  /** The checking `fetch`, for more clients on the same sim. */
  fetch: typeof fetch;
}

/** Starts a sim with the fixture images and a runtime managing `SIM_APP` on it. */
export async function flyUnderTest(
  simOptions: FlySimOptions = {},
  runtimeOptions: Partial<FlyRuntimeOptions> = {},
): Promise<FlyUnderTest> {
  const validator = createOpenApiValidator();
  const sim = await startFlySim({ images: IMAGE_COMMANDS, ...simOptions });
  const violations: string[] = [];
  const checked = validatingFetch(validator, violations);
  const runtime = createFlyRuntime({
    apiUrl: sim.url,
    token: sim.token,
    app: SIM_APP,
    orgSlug: 'personal',
    ...runtimeOptions,
    clientOptions: {
      fetch: checked,
      ...runtimeOptions.clientOptions,
    },
  });
  return {
    runtime,
    sim,
    violations,
    fetch: checked,
    teardown: async () => {
      await sim.stop();
      if (violations.length > 0) {
        throw new Error(`the Fly client broke the OpenAPI document:\n${violations.join('\n')}`);
      }
    },
  };
}

/** Waits until the bot's machine printed `text` (e.g. `ready` from a fixture). */
export function machineOutputContains(
  sim: FlySim,
  runtime: FlyRuntime,
  botId: string,
  text: string,
): Promise<void> {
  return eventually(
    async () => {
      const seen = await runtime.observe(botId);
      const output = seen ? sim.output(runtime.appFor(botId), seen.instanceId) : '';
      if (!output.includes(text)) throw new Error(`machine of ${botId} has not printed ${text}`);
    },
    { timeoutMs: 10_000 },
  );
}
