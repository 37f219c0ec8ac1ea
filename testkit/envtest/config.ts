import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseEnv } from '@hmmtrade/platform';
import { envtestCacheKey } from './versions.ts';

const envSchema = z.object({
  HMMTRADE_CACHE_DIR: z.string().min(1).optional(),
  ENVTEST_BIN_DIR: z.string().min(1).optional(),
});

const env = parseEnv(envSchema, process.env);

/** Where envtest looks for its binaries; the same layout build.sh writes. */
export interface EnvtestConfig {
  /** `HMMTRADE_CACHE_DIR`, default `~/.cache/hmmtrade`. */
  readonly cacheDir: string;
  /** `ENVTEST_BIN_DIR`, default `<cacheDir>/envtest/<k8s>-<etcd>-<helm>/bin`. */
  readonly binDir: string;
}

const cacheDir = env.HMMTRADE_CACHE_DIR ?? join(homedir(), '.cache', 'hmmtrade');

export const envtestConfig: EnvtestConfig = Object.freeze({
  cacheDir,
  binDir: env.ENVTEST_BIN_DIR ?? join(cacheDir, 'envtest', envtestCacheKey, 'bin'),
});
