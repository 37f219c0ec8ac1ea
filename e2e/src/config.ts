import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseEnv } from '@hmmtrade/platform';

const schema = z.object({
  HMMTRADE_CACHE_DIR: z.string().optional(),
  SCHEMATHESIS_BIN: z.string().optional(),
});

const env = parseEnv(schema, process.env);

/** The schemathesis CLI that e2e/scripts/ensure-schemathesis.sh installs. */
export const schemathesisBin =
  env.SCHEMATHESIS_BIN ??
  join(
    env.HMMTRADE_CACHE_DIR ?? join(homedir(), '.cache', 'hmmtrade'),
    'venv-schemathesis-4.32.5',
    'bin',
    'st',
  );
