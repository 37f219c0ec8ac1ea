import { z } from 'zod';
import { parseEnv } from '@hmmtrade/platform';

/** Benchmark sizes, overridable from the environment (BOTS=1000 npm run bench:converge). */
export function benchArgs() {
  const parsed = parseEnv(
    z.object({ BOTS: z.coerce.number().int().min(1).default(10_000) }),
    process.env,
  );
  return { bots: parsed.BOTS };
}
