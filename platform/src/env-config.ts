import { safeParse, type $ZodError, type $ZodType, type output } from 'zod/v4/core';
import { ConfigError } from './errors.ts';

/** Raw environment as handed in by a deployable's `config.ts` (the only place that reads it). */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Parses `env` with `schema` (an object schema keyed by variable name, from `zod` or
 * `zod/mini`) and returns the frozen result. Throws ConfigError naming every bad variable and
 * why, e.g. `DATABASE_URL: must be a postgres:// or postgresql:// URL`.
 */
export function parseEnv<S extends $ZodType<Record<string, unknown>>>(
  schema: S,
  env: Environment,
): Readonly<output<S>> {
  const result = safeParse(schema, env);
  if (!result.success) {
    throw new ConfigError(`invalid configuration: ${formatZodIssues(result.error)}`);
  }
  return Object.freeze(result.data);
}

/** `A: reason; B.c: reason` — one line naming each path and its reason. */
export function formatZodIssues(error: $ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
