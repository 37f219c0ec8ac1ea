import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Field names whose values are secrets wherever they appear (top level or one/two levels deep). */
export const SECRET_FIELDS = [
  'password',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'apiSecret',
  'secret',
  'secretKey',
  'apiKeyId',
  'privateKey',
  'authorization',
  'cookie',
  'setCookie',
  'databaseUrl',
  'connectionString',
  'plaintext',
  'dataKey',
] as const;

const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => [
  field,
  `*.${field}`,
  `*.*.${field}`,
  `req.headers.${field}`,
]).concat(['req.headers["set-cookie"]', 'res.headers["set-cookie"]']);

/** Options for one component's logger. */
export interface LoggerOptions {
  /** Component name bound to every line, e.g. `api`, `operator`, `db`. */
  component: string;
  level?: string;
  /** Where lines go; stdout by default. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

/** A pino JSON logger with `component` bound and secret fields redacted. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { component: options.component },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
