import { z } from 'zod';
import { parseEnv, postgresUrl } from '@hmmtrade/platform';

const testEnvSchema = z.object({
  TEST_DATABASE_URL: postgresUrl.default('postgres://postgres:postgres@127.0.0.1:5432/postgres'),
});

/** Test-only settings: the admin URL of the real Postgres the integration tests use. */
export const testConfig = parseEnv(testEnvSchema, process.env);
