import { z } from 'zod';
import { parseEnv } from '@hmmtrade/platform';

/** Benchmark sizes, overridable from the environment (BOTS=1000 FAULTS=0.2 npm run bench:…). */
export function benchArgs(defaults: { bots?: number } = {}) {
  const parsed = parseEnv(
    z.object({
      BOTS: z.coerce
        .number()
        .int()
        .min(1)
        .default(defaults.bots ?? 10_000),
      FAULTS: z.coerce.number().min(0).max(1).default(0),
    }),
    process.env,
  );
  return { bots: parsed.BOTS, faults: parsed.FAULTS };
}

/** What a load-test server process is told by the benchmark that starts it. */
export function benchServerArgs() {
  const parsed = parseEnv(
    z.object({ BENCH_DATABASE_URL: z.string(), BENCH_BOT_ID: z.string().default('') }),
    process.env,
  );
  return { databaseUrl: parsed.BENCH_DATABASE_URL, botId: parsed.BENCH_BOT_ID };
}

/** This process's environment plus `extra`, for server processes a benchmark starts. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/**
 * Node flags of a process a benchmark starts: `defaults`, as production runs it; NODE_FLAGS
 * replaces them, e.g. to profile: NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
 */
export function nodeFlags(defaults: string[]): string[] {
  const parsed = parseEnv(z.object({ NODE_FLAGS: z.string().optional() }), process.env);
  return parsed.NODE_FLAGS === undefined ? defaults : parsed.NODE_FLAGS.split(' ').filter(Boolean);
}
