/**
 * Base error types shared by every deployable. Each carries a stable machine-readable `code`;
 * `message` is written for the person running the program (one line, names the problem).
 */
export class HmmtradeError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The configuration (environment or flags) is invalid. The message names the variable. */
export class ConfigError extends HmmtradeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG_INVALID', message, options);
  }
}

/** A process could not start: port taken, data directory unusable, database unreachable. */
export class StartupError extends HmmtradeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STARTUP_FAILED', message, options);
  }
}

/** One line for a person: the message of a known error, or the message chain of an unknown one. */
export function describeError(error: unknown): string {
  if (error instanceof HmmtradeError) return error.message;
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
