import { z } from 'zod';
import { ConfigError } from './errors.ts';

/** Raw environment as handed in by a deployable's `config.ts` (the only place that reads it). */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Parses `env` with `schema` (an object schema keyed by variable name) and returns the frozen
 * result. Throws ConfigError naming every bad variable and why, e.g.
 * `DATABASE_URL: must be a postgres:// or postgresql:// URL`.
 */
export function parseEnv<S extends z.ZodType<Record<string, unknown>>>(
  schema: S,
  env: Environment,
): Readonly<z.output<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(`invalid configuration: ${formatZodIssues(result.error)}`);
  }
  return Object.freeze(result.data);
}

/** `A: reason; B.c: reason` — one line naming each path and its reason. */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/** A postgres connection URL; the message never echoes the value (it may hold a password). */
export const postgresUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.host !== '';
    } catch {
      return false;
    }
  },
  { message: 'must be a postgres:// or postgresql:// URL with a host' },
);

/** A TCP port given as a string in the environment; 0 asks the OS for a free one. */
export const portNumber = z.coerce
  .number({ message: 'must be a number' })
  .int({ message: 'must be a whole number' })
  .min(0, { message: 'must be between 0 and 65535' })
  .max(65535, { message: 'must be between 0 and 65535' });

/** Log levels pino understands. */
export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
