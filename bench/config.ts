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
