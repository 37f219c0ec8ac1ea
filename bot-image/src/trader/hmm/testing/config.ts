import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseEnv, type Environment } from '@hmmtrade/platform';

/** An unset or empty variable both mean "use the default", as the shell script's `${X:-…}`. */
const optionalPath = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.string().optional(),
);

const hmmlearnEnvSchema = z.object({
  HMMLEARN_PYTHON: optionalPath,
  HMMTRADE_CACHE_DIR: optionalPath,
  HOME: optionalPath,
});

/** Where the hmmlearn parity test finds its Python. */
export interface HmmlearnConfig {
  /** A python with the pinned hmmlearn (made by bot-image/scripts/ensure-hmmlearn.sh). */
  python: string;
}

/**
 * HMMLEARN_PYTHON, or the interpreter of the venv ensure-hmmlearn.sh creates:
 * ${HMMTRADE_CACHE_DIR:-$HOME/.cache/hmmtrade}/venv-hmmlearn/bin/python.
 */
export function loadHmmlearnConfig(env: Environment = process.env): HmmlearnConfig {
  const parsed = parseEnv(hmmlearnEnvSchema, env);
  const cacheDir =
    parsed.HMMTRADE_CACHE_DIR ?? join(parsed.HOME ?? homedir(), '.cache', 'hmmtrade');
  return { python: parsed.HMMLEARN_PYTHON ?? join(cacheDir, 'venv-hmmlearn', 'bin', 'python') };
}
